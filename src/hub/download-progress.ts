import { Presets, SingleBar } from 'cli-progress';
import { formatBytes } from '../format-bytes.js';

/** How a model download reports its bytes. */
export interface DownloadProgress {
  start(totalBytes: number): void;
  advance(deltaBytes: number, file: string): void;
  stop(): void;
}

/** A progress bar when a person is watching `stream`; nothing otherwise (logs and pipes stay clean). */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): DownloadProgress | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new SingleBar(
    { stream, format: `${label} [{bar}] {percentage}% {done} of {size} {file}`, hideCursor: true },
    Presets.shades_classic,
  );
  let done = 0;
  let total = 0;
  return {
    start(totalBytes) {
      total = totalBytes;
      bar.start(totalBytes, 0, { done: formatBytes(0), size: formatBytes(totalBytes), file: '' });
    },
    advance(delta, file) {
      done += delta;
      bar.update(done, { done: formatBytes(done), size: formatBytes(total), file });
    },
    stop() {
      bar.stop();
    },
  };
}
