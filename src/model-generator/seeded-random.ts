/**
 * Deterministic random numbers for generated model weights.
 *
 * Everything here is 32-bit integer arithmetic plus one float multiply per
 * value, so the same seed yields the same bytes on every machine and JS
 * engine. (Math.log / Math.cos, which Box-Muller needs, are only
 * "implementation-approximated" in ECMAScript, so they are avoided.)
 */

/** xoshiro128**: small, fast, good-quality 32-bit generator. */
export class Xoshiro128 {
  private readonly state = new Int32Array(4);

  constructor(seed: number) {
    // splitmix32 spreads a possibly tiny seed over the 128-bit state.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16);
    }
  }

  /** Fills `out` with the next out.length outputs (as int32 bit patterns). */
  fill(out: Int32Array): void {
    // State in locals for the loop: V8 keeps them in registers, ~2x faster
    // than updating object fields or the typed array on every step.
    let [s0, s1, s2, s3] = this.state;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    this.state.set([s0, s1, s2, s3]);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a over UTF-16 code units; names the per-tensor random stream. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/**
 * Random stream for one named tensor. Each tensor gets its own stream so its
 * values do not depend on which other tensors were generated before it
 * (the fp32 and int8 writers can regenerate any tensor independently).
 */
export function tensorRandom(seed: number, tensorName: string): Xoshiro128 {
  return new Xoshiro128((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashName(tensorName)) >>> 0);
}

// Sum of four uniform 16-bit integers (Irwin-Hall, n = 4): bell-shaped,
// within 0.0074 of the normal CDF everywhere, bounded at +-3.46 sigma.
const IRWIN_HALL_MEAN = 4 * 32767.5;
// sqrt(4 * (65536^2 - 1) / 12), written out so no runtime sqrt is involved.
const IRWIN_HALL_STD = 37837.22723720648;

/** Fills `out` with approximately N(0, std^2) values. */
export function fillNormal(out: Float32Array, rng: Xoshiro128, std: number): Float32Array {
  const scale = std / IRWIN_HALL_STD;
  const bits = new Int32Array(2 * 4096);
  for (let start = 0; start < out.length; start += bits.length / 2) {
    rng.fill(bits);
    const end = Math.min(out.length, start + bits.length / 2);
    for (let i = start, j = 0; i < end; i++, j += 2) {
      const a = bits[j];
      const b = bits[j + 1];
      const sum = (a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16);
      out[i] = (sum - IRWIN_HALL_MEAN) * scale;
    }
  }
  return out;
}
