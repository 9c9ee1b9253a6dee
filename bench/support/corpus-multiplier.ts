/**
 * Larger corpora made from a real one: the N× corpus is the documents themselves, then N − 1 copies of each under
 * new ids with their paragraphs shuffled (seeded), so sentences, concepts and co-occurrences have the real
 * distribution while every copy is a new article with its own sentence keys and edges' sentences.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readInputs } from '../../src/cli/ingest-command.js';
import type { SourceDocument } from '../../src/ingest/documents.js';
import { packageRoot } from '../../src/paths.js';
import { join } from 'node:path';
import { Rng } from '../../test/support/seeded-rng.js';

/** COVID-QA (98 articles) and the CORD-19 sample (22): the 1× corpus of the store benchmarks. */
export const BASE_CORPUS = [
  join(packageRoot, '..', 'shared', 'corpus', 'covid-qa', 'articles.jsonl'),
  join(packageRoot, '..', 'shared', 'corpus', 'cord19-sample'),
];

export async function readBaseCorpus(paths: readonly string[] = BASE_CORPUS): Promise<SourceDocument[]> {
  return (await readInputs(paths)).flatMap((result) => ('document' in result ? [result.document] : []));
}

/** Copy `copy` (1, 2, …) of a document: id `<id>~<copy>`, paragraphs shuffled by a generator seeded with the copy. */
export function documentCopy(document: SourceDocument, copy: number): SourceDocument {
  const rng = new Rng(copy * 7919 + document.id.length);
  const paragraphs = [...document.paragraphs];
  for (let i = paragraphs.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [paragraphs[i], paragraphs[j]] = [paragraphs[j], paragraphs[i]];
  }
  return { ...document, id: `${document.id}~${copy}`, paragraphs };
}

/** The `factor`× corpus: every document, then its copies 1 … factor − 1, copy by copy. */
export function* multiplyCorpus(documents: readonly SourceDocument[], factor: number): Generator<SourceDocument> {
  yield* documents;
  for (let copy = 1; copy < factor; copy++) for (const document of documents) yield documentCopy(document, copy);
}

/** Writes documents as `kgqa ingest` reads JSONL (`{id, title, year, text}`, paragraphs separated by blank lines). */
export async function writeJsonl(documents: Iterable<SourceDocument>, path: string): Promise<{ documents: number; bytes: number }> {
  const out = createWriteStream(path);
  let count = 0;
  for (const { id, title, year, paragraphs } of documents) {
    if (!out.write(`${JSON.stringify({ id, title, year, text: paragraphs.join('\n\n') })}\n`)) await once(out, 'drain');
    count++;
  }
  out.end();
  await once(out, 'finish');
  return { documents: count, bytes: out.bytesWritten };
}
