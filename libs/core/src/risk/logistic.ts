// L2-regularised logistic regression by Newton's method (iteratively reweighted least squares),
// with the penalty centred on prior weights rather than zero: maximises
//   Σᵢ [yᵢ log pᵢ + (1−yᵢ) log(1−pᵢ)] − (λ/2)·Σⱼ (wⱼ − w0ⱼ)²,   pᵢ = σ(b + xᵢ·w),
// i.e. the MAP estimate under a Gaussian prior N(w0, 1/λ) on every weight (intercept included).
// With little data the weights stay at the prior; with much they follow the data. The
// objective is strictly concave, so the result is unique and deterministic.

export interface LogisticFit {
  /** [intercept, w1, …, wd]. */
  readonly weights: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Penalised log-likelihood at the solution. */
  readonly objective: number;
}

export interface LogisticOptions {
  /** Prior weights [intercept, w1, …, wd]; zeros when absent. */
  readonly prior?: readonly number[];
  /** Precision of the prior (λ). */
  readonly lambda?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function fitLogistic(
  xs: readonly (readonly number[])[],
  ys: readonly (0 | 1 | boolean)[],
  options: LogisticOptions = {},
): LogisticFit {
  const d = (xs[0]?.length ?? (options.prior ? options.prior.length - 1 : 0)) + 1;
  const prior = options.prior ?? new Array<number>(d).fill(0);
  if (prior.length !== d) throw new Error(`prior has ${prior.length} weights; expected ${d}`);
  const lambda = options.lambda ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-9;
  const y = ys.map((v) => (v === true || v === 1 ? 1 : 0));
  let w = [...prior];
  let objective = penalised(xs, y, w, prior, lambda);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const p = sigmoid(dot(w, x));
      const r = y[i]! - p;
      const s = p * (1 - p);
      gradient[0]! += r;
      hessian[0]![0]! += s;
      for (let j = 1; j < d; j++) {
        const xj = x[j - 1]!;
        if (xj === 0) continue;
        gradient[j]! += r * xj;
        hessian[j]![0]! += s * xj;
        for (let k = 1; k <= j; k++) hessian[j]![k]! += s * xj * x[k - 1]!;
      }
    }
    for (let j = 0; j < d; j++) {
      gradient[j]! -= lambda * (w[j]! - prior[j]!);
      hessian[j]![j]! += lambda;
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    }
    const step = solveSpd(hessian, gradient);
    // Newton steps on a concave objective rarely overshoot; halve when one does.
    let scale = 1;
    let next = w.map((wj, j) => wj + step[j]!);
    let nextObjective = penalised(xs, y, next, prior, lambda);
    while (nextObjective < objective - 1e-12 && scale > 1e-6) {
      scale /= 2;
      next = w.map((wj, j) => wj + scale * step[j]!);
      nextObjective = penalised(xs, y, next, prior, lambda);
    }
    const change = Math.max(...step.map((s) => Math.abs(s * scale)));
    w = next;
    objective = nextObjective;
    if (change < tolerance) return { weights: w, iterations: iteration, converged: true, objective };
  }
  return { weights: w, iterations: maxIterations, converged: false, objective };
}

/** w·[1, x]. */
export function dot(w: readonly number[], x: readonly number[]): number {
  let z = w[0]!;
  for (let j = 0; j < x.length; j++) z += w[j + 1]! * x[j]!;
  return z;
}

function penalised(
  xs: readonly (readonly number[])[],
  y: readonly number[],
  w: readonly number[],
  prior: readonly number[],
  lambda: number,
): number {
  let ll = 0;
  for (let i = 0; i < xs.length; i++) {
    const z = dot(w, xs[i]!);
    // log σ(z) and log(1−σ(z)) without overflow.
    ll += y[i]! === 1 ? -softplus(-z) : -softplus(z);
  }
  let penalty = 0;
  for (let j = 0; j < w.length; j++) penalty += (w[j]! - prior[j]!) ** 2;
  return ll - (lambda / 2) * penalty;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Solves A x = b for symmetric positive-definite A by Cholesky decomposition. */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
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
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * z[k]!;
    z[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
