import { Xoshiro128 } from '../../src/model-generator/seeded-random.js';

/** Reproducible choices for the fuzzers: the same seed gives the same inputs on every machine. */
export class Rng {
  private readonly generator: Xoshiro128;
  private readonly word = new Int32Array(1);

  constructor(seed: number) {
    this.generator = new Xoshiro128(seed);
  }

  /** In [0, 1). */
  next(): number {
    this.generator.fill(this.word);
    return (this.word[0] >>> 0) / 2 ** 32;
  }

  /** In [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Spread over orders of magnitude, so small and huge sizes both come up. */
  logInt(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(0, 255)));
  }
}
