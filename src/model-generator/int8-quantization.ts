/**
 * Symmetric int8 weight quantization, as onnxruntime's quantize_dynamic does it
 * for weights (QInt8, symmetric, zero point 0): q = round_half_even(w / scale),
 * scale = max|w| / qmax.
 */

/** Largest int8 magnitude used; 127 is full int8, 63 is quantize_dynamic's reduce_range (7-bit). */
export type Int8Range = 127 | 63;

/**
 * 7-bit MatMul weights (quantize_dynamic's reduce_range). On AVX2 without
 * VNNI, onnxruntime's uint8 x int8 kernel adds pairs of products in saturating
 * int16 (vpmaddubsw): 2 * 255 * 127 overflows it, 2 * 255 * 63 cannot. With
 * full-range weights the tiny model's logits drifted ~1.2 from fp32; with
 * 7-bit weights ~0.1.
 */
export const DEFAULT_MATMUL_INT8_RANGE: Int8Range = 63;

export interface ColumnQuantized {
  values: Int8Array;
  /** One scale per output column (per-channel). */
  scales: Float32Array;
}

/**
 * Quantizes a row-major [rows, cols] MatMul weight with one scale per column,
 * i.e. per output feature: columns differ in range, and a per-column scale
 * rescales the int32 accumulator exactly as a per-tensor one would.
 */
export function quantizeColumns(weights: Float32Array, rows: number, cols: number, qmax: Int8Range): ColumnQuantized {
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(weights[row + c]);
      if (a > maxAbs[c]) maxAbs[c] = a;
    }
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / qmax : 1));
  const inverse = Float64Array.from(scales, (s) => 1 / s);
  const values = new Int8Array(weights.length);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      values[row + c] = clampRound(weights[row + c] * inverse[c], qmax);
    }
  }
  return { values, scales };
}

export interface TensorQuantized {
  values: Int8Array;
  scale: number;
}

/** One scale for the whole tensor (used for the embedding table, which is gathered, not multiplied). */
export function quantizeTensor(weights: Float32Array, qmax: Int8Range): TensorQuantized {
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]));
  const scale = Math.fround(maxAbs > 0 ? maxAbs / qmax : 1);
  const inverse = 1 / scale;
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) values[i] = clampRound(weights[i] * inverse, qmax);
  return { values, scale };
}

// Adding then subtracting 1.5 * 2^52 rounds a double to an integer with ties
// to even (numpy.rint, as onnxruntime's quantizer rounds); about twice as fast
// as Math.round plus a tie fix-up. Exact for |x| < 2^51.
const ROUND_TO_EVEN = 6755399441055744;

function clampRound(x: number, qmax: number): number {
  const r = (x + ROUND_TO_EVEN - ROUND_TO_EVEN) | 0;
  return r > qmax ? qmax : r < -qmax ? -qmax : r;
}
