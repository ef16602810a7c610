// L2-regularised logistic regression by Newton's method (iteratively reweighted least squares),
// with the penalty centred on prior weights rather than zero: maximises
//   Σᵢ vᵢ·[yᵢ log pᵢ + (1−yᵢ) log(1−pᵢ)] − ½·Σⱼ λⱼ (wⱼ − w0ⱼ)²,   pᵢ = σ(oᵢ + b + xᵢ·w),
// i.e. the MAP estimate under a Gaussian prior N(w0, 1/λ) on every weight (intercept included).
// Targets yᵢ may lie anywhere in [0, 1] (an expected outcome, as the maturity-aware fit passes),
// vᵢ weighs an example (recency) and oᵢ is a fixed offset. An outcome may be immature: with
// Fᵢ the chance that a failure of example i would be on record by now, a failure on record has
// likelihood pᵢFᵢ and none 1 − pᵢFᵢ (a failure may still come); Newton then uses the curvature
// clipped at zero where that likelihood bends the wrong way. Examples may belong to groups (a
// service), each with its own level uₘ under a N(0, 1/λᵤ) prior — a random intercept, fitted
// jointly: the Newton system's group block is diagonal, so it is eliminated by its Schur
// complement at a cost linear in the number of groups. With little data the weights stay at the
// prior; with much they follow the data. The objective is strictly concave, so the result is
// unique and deterministic.

export interface LogisticFit {
  /** [intercept, w1, …, wd]. */
  readonly weights: readonly number[];
  /** The groups' levels, by group index (empty without groups). */
  readonly levels: readonly number[];
  /** Curvature of the likelihood in each group's level (its information; variance ≈ 1/it). */
  readonly levelInformation: readonly number[];
  /**
   * The Laplace posterior at the solution (the inverse of the penalised objective's negative
   * Hessian): the weights' covariance, [intercept, w1, …, wd] squared, with the levels
   * integrated out.
   */
  readonly covariance: readonly (readonly number[])[];
  /** Each group's level: its posterior variance, and its covariance with the weights. */
  readonly levelPosterior: readonly { readonly variance: number; readonly withWeights: readonly number[] }[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Penalised log-likelihood at the solution. */
  readonly objective: number;
}

export interface LogisticOptions {
  /** Prior weights [intercept, w1, …, wd]; zeros when absent. */
  readonly prior?: readonly number[];
  /** Precision of the prior (λ), one for all weights or one per weight. */
  readonly lambda?: number | readonly number[];
  /** Example weights (default 1). */
  readonly weights?: readonly number[];
  /** Fixed log-odds offsets per example (default 0). */
  readonly offsets?: readonly number[];
  /** Per example, the chance its failure would be on record by now (default 1); targets then 0 or 1. */
  readonly maturity?: readonly number[];
  /** Random intercepts: each example's group index (−1: none), the count, the prior precision. */
  readonly groups?: { readonly of: readonly number[]; readonly count: number; readonly lambda: number };
  /** Where Newton starts (default the prior): a previous fit makes a refit take a step or two. */
  readonly start?: readonly number[];
  /** The groups' levels to start from (default 0). */
  readonly startLevels?: readonly number[];
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * One outcome's residual (∂ℓ/∂z) and curvature (−∂²ℓ/∂z², clipped at zero) at probability p: a
 * failure on record, or an outcome known in full (f ≥ 1), ℓ = y·log p + (1 − y)·log(1 − p); a
 * change without a failure yet whose failure would be on record by now with chance f,
 * ℓ = log(1 − f·p) — as the fits take them.
 */
export function outcomeScore(failed: boolean, f: number, p: number): { residual: number; curvature: number } {
  if (failed || f >= 1) return { residual: (failed ? 1 : 0) - p, curvature: p * (1 - p) };
  const q = 1 - f * p;
  return {
    residual: (-f * p * (1 - p)) / q,
    curvature: Math.max(0, (f * p * (1 - p) * (1 - 2 * p + f * p * p)) / (q * q)),
  };
}

export function fitLogistic(
  xs: readonly (readonly number[])[],
  ys: readonly (number | boolean)[],
  options: LogisticOptions = {},
): LogisticFit {
  const d = (xs[0]?.length ?? (options.prior ? options.prior.length - 1 : 0)) + 1;
  // Every vector the loops read is a Float64Array: arrays whose element kind varies (whole
  // numbers here, fractions there) would make the optimised loops bail out again and again.
  const prior = options.prior ? Float64Array.from(options.prior) : new Float64Array(d);
  if (prior.length !== d) throw new Error(`prior has ${prior.length} weights; expected ${d}`);
  const lambdas =
    typeof options.lambda === 'object'
      ? Float64Array.from(options.lambda)
      : new Float64Array(d).fill(options.lambda ?? 1);
  if (lambdas.length !== d) throw new Error(`lambda has ${lambdas.length} values; expected ${d}`);
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-9;
  const groups = options.groups;
  const g = groups?.count ?? 0;
  const data: Data = {
    xs: xs.map((x) => Float64Array.from(x)),
    y: Float64Array.from(ys, (v) => (v === true ? 1 : v === false ? 0 : v)),
    v: options.weights && Float64Array.from(options.weights),
    o: options.offsets && Float64Array.from(options.offsets),
    f: options.maturity && Float64Array.from(options.maturity),
    group: groups && Int32Array.from(groups.of),
    groupLambda: groups?.lambda ?? 0,
  };
  let w = Float64Array.from(options.start ?? prior);
  let u = options.startLevels ? Float64Array.from(options.startLevels) : new Float64Array(g);
  let objective = penalised(data, w, u, prior, lambdas);
  let information: number[] = new Array<number>(g).fill(0);
  let curvature: Curvature | undefined;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // Typed arrays: fresh plain arrays of zeros would change element kind as doubles land in
    // them, and the optimised loop would be thrown away on every iteration.
    const a = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    const b = new Float64Array(g); // gradient in the levels
    const cross = Array.from({ length: g }, () => new Float64Array(d)); // ∂²/∂u∂w
    const diagonal = new Float64Array(g);
    for (let i = 0; i < xs.length; i++) {
      const x = data.xs[i]!;
      const vi = data.v?.[i] ?? 1;
      if (vi === 0) continue;
      const gi = data.group?.[i] ?? -1;
      const p = sigmoid(linear(data, w, u, i));
      const f = data.f?.[i] ?? 1;
      const y = data.y[i]!;
      let r: number;
      let s: number;
      if (f >= 1 || y > 0) {
        r = vi * (y - p);
        s = vi * p * (1 - p);
      } else {
        // ℓ = log(1 − f·p): ℓ' = −f·p(1−p)/(1−fp), −ℓ'' = f·p(1−p)(1 − 2p + fp²)/(1−fp)².
        const q = 1 - f * p;
        r = (-vi * f * p * (1 - p)) / q;
        s = Math.max(0, (vi * f * p * (1 - p) * (1 - 2 * p + f * p * p)) / (q * q));
      }
      a[0]! += r;
      hessian[0]![0]! += s;
      const c = gi >= 0 ? cross[gi]! : undefined;
      if (c) {
        b[gi]! += r;
        diagonal[gi]! += s;
        c[0]! += s;
      }
      for (let j = 1; j < d; j++) {
        const xj = x[j - 1]!;
        if (xj === 0) continue;
        a[j]! += r * xj;
        const row = hessian[j]!;
        const sx = s * xj;
        row[0]! += sx;
        for (let k = 1; k <= j; k++) row[k]! += sx * x[k - 1]!;
        if (c) c[j]! += sx;
      }
    }
    for (let j = 0; j < d; j++) {
      a[j]! -= lambdas[j]! * (w[j]! - prior[j]!);
      hessian[j]![j]! += lambdas[j]!;
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    }
    information = [...diagonal];
    // Eliminate the levels: (H − C D⁻¹ Cᵀ) Δw = a − C D⁻¹ b, then Δu = D⁻¹ (b − Cᵀ Δw).
    const dInv = diagonal.map((x) => 1 / (x + data.groupLambda));
    for (let m = 0; m < g; m++) {
      b[m]! -= data.groupLambda * u[m]!;
      const c = cross[m]!;
      for (let j = 0; j < d; j++) {
        a[j]! -= c[j]! * dInv[m]! * b[m]!;
        for (let k = 0; k < d; k++) hessian[j]![k]! -= c[j]! * dInv[m]! * c[k]!;
      }
    }
    curvature = { schur: hessian, cross, dInv };
    const stepW = solveSpd(hessian, a);
    const stepU = Array.from(b, (bm, m) => dInv[m]! * (bm - dotPlain(cross[m]!, stepW)));
    // Newton steps on a concave objective rarely overshoot; halve when one does.
    let scale = 1;
    let next = { w: w.map((x, j) => x + stepW[j]!), u: u.map((x, m) => x + stepU[m]!) };
    let nextObjective = penalised(data, next.w, next.u, prior, lambdas);
    while (nextObjective < objective - 1e-12 && scale > 1e-6) {
      scale /= 2;
      next = { w: w.map((x, j) => x + scale * stepW[j]!), u: u.map((x, m) => x + scale * stepU[m]!) };
      nextObjective = penalised(data, next.w, next.u, prior, lambdas);
    }
    const change = Math.max(
      ...stepW.map((s) => Math.abs(s * scale)),
      ...stepU.map((s) => Math.abs(s * scale)),
    );
    w = next.w;
    u = next.u;
    objective = nextObjective;
    if (change < tolerance)
      return {
        weights: [...w],
        levels: [...u],
        levelInformation: information,
        ...laplace(curvature),
        iterations: iteration,
        converged: true,
        objective,
      };
  }
  return {
    weights: [...w],
    levels: [...u],
    levelInformation: information,
    ...laplace(curvature),
    iterations: maxIterations,
    converged: false,
    objective,
  };
}

/** The last Newton system: the weights' block after the levels' elimination, and the levels'. */
interface Curvature {
  readonly schur: readonly Float64Array[];
  readonly cross: readonly Float64Array[];
  readonly dInv: Float64Array;
}

/**
 * The posterior covariance from the Newton system (block inverse): the weights' Σ = S⁻¹, S the
 * Schur complement H − C D⁻¹ Cᵀ; a level's covariance with the weights −Σ cₘ / Dₘ; its variance
 * 1/Dₘ + cₘᵀ Σ cₘ / Dₘ².
 */
function laplace(curvature: Curvature | undefined): Pick<LogisticFit, 'covariance' | 'levelPosterior'> {
  if (!curvature) return { covariance: [], levelPosterior: [] };
  const { schur, cross, dInv } = curvature;
  const d = schur.length;
  const columns = Array.from({ length: d }, (_, j) =>
    solveSpd(
      schur,
      Float64Array.from({ length: d }, (_, k) => Number(k === j)),
    ),
  );
  const covariance = Array.from({ length: d }, (_, j) =>
    Array.from({ length: d }, (_, k) => columns[k]![j]!),
  );
  const levelPosterior = cross.map((c, m) => {
    const sigmaC = covariance.map((row) => dotPlain(row, c));
    return {
      variance: dInv[m]! + dInv[m]! ** 2 * dotPlain(c, sigmaC),
      withWeights: sigmaC.map((x) => -x * dInv[m]!),
    };
  });
  return { covariance, levelPosterior };
}

/**
 * The predictive mean of a rate whose log-odds is uncertain: E[σ(z)] for z ~ N(mean, variance) —
 * what a Laplace posterior says the probability is, rather than σ of its mean. Zero variance:
 * σ(mean). The integral pulls σ(mean) towards ½ (σ is convex below 0, concave above), the more
 * the larger the variance; MacKay's σ(mean / √(1 + π·variance/8)) approximates it.
 */
export function predictiveRate(mean: number, variance: number): number {
  if (!(variance > 0)) return sigmoid(mean);
  // The trapezoid rule over the standard normal t ∈ [−8, 8] (φ(8) < 1e-14): for an integrand
  // analytic in a strip it converges geometrically, and σ(mean + s·t) is analytic within π/s of
  // the real line, so a step of 0.4/s (0.4 at most) keeps the error far below 1e-9 at any s —
  // where Gauss–Hermite's fixed nodes fall too far apart once s is a few units.
  const s = Math.sqrt(variance);
  const steps = Math.ceil(8 / Math.min(0.4, 0.4 / s));
  const h = 8 / steps;
  let sum = 0;
  for (let k = -steps; k <= steps; k++) {
    const t = k * h;
    sum += Math.exp((-t * t) / 2) * sigmoid(mean + s * t);
  }
  return (sum * h) / Math.sqrt(2 * Math.PI);
}

interface Data {
  readonly xs: readonly Float64Array[];
  readonly y: Float64Array;
  readonly v: Float64Array | undefined;
  readonly o: Float64Array | undefined;
  readonly f: Float64Array | undefined;
  readonly group: Int32Array | undefined;
  readonly groupLambda: number;
}

function linear(data: Data, w: Float64Array, u: Float64Array, i: number): number {
  const gi = data.group?.[i] ?? -1;
  return (data.o?.[i] ?? 0) + (gi >= 0 ? u[gi]! : 0) + dot(w, data.xs[i]!);
}

function dotPlain(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

/** w·[1, x]. */
export function dot(w: ArrayLike<number>, x: ArrayLike<number>): number {
  let z = w[0]!;
  for (let j = 0; j < x.length; j++) z += w[j + 1]! * x[j]!;
  return z;
}

function penalised(
  data: Data,
  w: Float64Array,
  u: Float64Array,
  prior: Float64Array,
  lambdas: Float64Array,
): number {
  let ll = 0;
  for (let i = 0; i < data.xs.length; i++) {
    const vi = data.v?.[i] ?? 1;
    if (vi === 0) continue;
    const z = linear(data, w, u, i);
    const y = data.y[i]!;
    const f = data.f?.[i] ?? 1;
    // y·log σ(z) + (1−y)·log(1−σ(z)) without overflow; log(1 − f·σ(z)) for an immature 0.
    if (f >= 1 || y > 0) ll -= vi * (y * softplus(-z) + (1 - y) * softplus(z));
    else ll += vi * Math.log1p(-f * sigmoid(z));
  }
  let penalty = 0;
  for (let j = 0; j < w.length; j++) penalty += lambdas[j]! * (w[j]! - prior[j]!) ** 2;
  for (const level of u) penalty += data.groupLambda * level ** 2;
  return ll - penalty / 2;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Solves A x = b for symmetric positive-definite A by Cholesky decomposition. */
export function solveSpd(a: readonly ArrayLike<number>[], b: ArrayLike<number>): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (sum <= 0) throw new Error('matrix is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * z[k]!;
    z[i] = sum / l[i]![i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return [...x];
}
