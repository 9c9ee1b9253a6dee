/**
 * One onnxruntime session on a thread of its own. onnxruntime-node's `run()` returns a promise, but runs the whole
 * model synchronously on the calling thread (inside a setImmediate): on the event loop it took 4.0 s of the 12.7 s
 * the server was busy during 200 concurrent asks with the tiny model (a CPU profile; docs/benchmarks.md, Overload),
 * and health checks waited behind every run.
 */
import * as ort from 'onnxruntime-node';
import { serveWorkerRequests, Transfer } from '../../worker-rpc.js';

export interface SessionThreadData {
  modelPath: string;
  options: ort.InferenceSession.SessionOptions;
}

export interface SessionThreadReady {
  inputNames: string[];
  outputNames: string[];
}

await serveWorkerRequests(async ({ modelPath, options }: SessionThreadData) => {
  const session = await ort.InferenceSession.create(modelPath, options);
  return {
    ready: { inputNames: [...session.inputNames], outputNames: [...session.outputNames] } satisfies SessionThreadReady,
    handlers: {
      async run(inputs: Record<string, BigInt64Array>, dims: number[]) {
        const feeds = Object.fromEntries(Object.entries(inputs).map(([name, data]) => [name, new ort.Tensor('int64', data, dims)]));
        const output = await session.run(feeds);
        // Copies of their own, so each moves to the caller whole (the outputs may share one buffer).
        const startLogits = (output.start_logits.data as Float32Array).slice();
        const endLogits = (output.end_logits.data as Float32Array).slice();
        return new Transfer({ startLogits, endLogits }, [startLogits.buffer, endLogits.buffer]);
      },
    },
    close: () => void session.release(),
  };
});
