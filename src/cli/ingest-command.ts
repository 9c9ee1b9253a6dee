import { SingleBar, Presets } from 'cli-progress';
import type { DocumentResult } from '../ingest/documents.js';
import type { IngestProgress, IngestSummary } from '../ingest/ingest.js';
import { listInputFiles, readDocumentFile } from '../ingest/read-files.js';
import { formatTotals } from './store-lines.js';

/** Every document of the files and folders, and a rejection for each path that could not be read. */
export async function readInputs(paths: readonly string[]): Promise<DocumentResult[]> {
  const { files, unreadable } = await listInputFiles(paths);
  const results: DocumentResult[] = unreadable.map(({ path, reason }) => ({ rejected: { origin: path, id: null, reason } }));
  for (const file of files) results.push(...(await readDocumentFile(file)));
  return results;
}

/** Reads, ingests (with `ingest`: the CLI's own, or a server's) and reports, with a progress bar when a person is watching. */
export async function ingestPaths(
  paths: readonly string[],
  ingest: (results: DocumentResult[], onProgress: (progress: IngestProgress) => void) => Promise<IngestSummary>,
  output: NodeJS.WriteStream = process.stderr,
): Promise<IngestSummary> {
  const results = await readInputs(paths);
  const bar = output.isTTY ? new SingleBar({ stream: output, format: 'ingest [{bar}] {value}/{total} documents' }, Presets.shades_classic) : null;
  bar?.start(results.length, 0);
  try {
    return await ingest(results, ({ done, total }) => {
      bar?.setTotal(total);
      bar?.update(done);
    });
  } finally {
    bar?.stop();
  }
}

/** Control characters shown escaped, so each rejection stays on one line (a JSON error quotes the source's newlines). */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, (character) => JSON.stringify(character).slice(1, -1));
}

export function formatSummary(summary: IngestSummary): string {
  const count = (outcome: string) => summary.accepted.filter((a) => a.outcome === outcome).length;
  const lines = [
    `ingested ${summary.accepted.length} documents (${count('created')} new, ${count('replaced')} replaced, ${count('unchanged')} unchanged) in ${summary.seconds.toFixed(2)} s`,
    `store: ${formatTotals(summary.stats)}`,
    `rejected: ${summary.rejected.length} documents`,
    ...summary.rejected.map((r) => oneLine(`  ${r.origin}${r.id ? ` (${r.id})` : ''}: ${r.reason}`)),
  ];
  return lines.join('\n');
}
