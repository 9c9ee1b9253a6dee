/** A one-node ONNX model, Y = A · B with B a constant, to measure the machine's matmul peak with onnxruntime. */
import { GraphBuilder } from '../../src/model-generator/onnx-graph.js';
import { writeOnnxModel } from '../../src/model-generator/onnx-writer.js';

/** Writes an [n, n] × [n, n] fp32 MatMul model to `path`: 2·n³ FLOPs a run. */
export function writeMatMulModel(path: string, n: number): void {
  const g = new GraphBuilder('matmul');
  const a = g.addInput('A', 'float32', [n, n]);
  // Values do not matter for speed; non-zero and not denormal, so no kernel takes a shortcut.
  const b = g.addInitializer({ name: 'B', elementType: 'float32', dims: [n, n], data: () => Float32Array.from({ length: n * n }, (_, i) => ((i % 97) - 48) / 97) });
  g.op1('MatMul', [a, b], { output: 'Y' });
  g.addOutput('Y', 'float32', [n, n]);
  writeOnnxModel(path, g, { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'kgqa bench', producerVersion: '1' });
}
