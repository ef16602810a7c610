// Seeded draws for the fleet simulator, on the core's SeededRandom (mulberry32): the same seed
// gives the same systems, telemetry and changes on every machine.
import { SeededRandom } from '#core';

export class Rng extends SeededRandom {
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Log-uniform in [a, b]: every order of magnitude equally likely. */
  logUniform(a: number, b: number): number {
    return Math.exp(this.uniform(Math.log(a), Math.log(b)));
  }

  intBetween(a: number, b: number): number {
    return a + this.int(b - a + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Index drawn with the given weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return i;
    return weights.length - 1;
  }

  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Binomial(n, p): exact for small n, Poisson for rare events, normal otherwise. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 40) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.next() < p) k++;
      return k;
    }
    if (p < 0.05) return Math.min(n, this.poisson(n * p));
    const k = Math.round(this.normal(n * p, Math.sqrt(n * p * (1 - p))));
    return Math.max(0, Math.min(n, k));
  }

  /** A new generator for a sub-stream, so drawing more in one place does not shift the others. */
  fork(salt: number): Rng {
    return new Rng(Math.imul((this.int(0x7fffffff) ^ salt) >>> 0, 2654435761) >>> 0);
  }
}
