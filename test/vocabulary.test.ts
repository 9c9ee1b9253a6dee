import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVocabulary, VOCABULARY_LIMITS } from '../src/ingest/vocabulary.js';

const VOCAB_DIR = fileURLToPath(new URL('../../shared/vocab/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kgqa-vocabulary-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function scratchFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe('loadVocabulary on the shared vocabularies', () => {
  it('streams gzip-compressed MeSH, ignoring the tree_numbers column', async () => {
    const mesh = await loadVocabulary(join(VOCAB_DIR, 'mesh-2024.tsv.gz'));
    expect(mesh).toHaveLength(30_764);
    expect(mesh.find((term) => term.id === 'D012367')).toEqual({ id: 'D012367', name: 'RNA, Viral', synonyms: ['Viral RNA'] });
    const aids = mesh.find((term) => term.id === 'D000163')!;
    expect(aids.name).toBe('Acquired Immunodeficiency Syndrome');
    expect(aids.synonyms).toContain('AIDS');
    expect(mesh.some((term) => term.synonyms.some((synonym) => /^[A-Z]\d\d(\.\d+)+$/.test(synonym)))).toBe(false);
  });

  it('reads plain DOID and COVoc files, with empty synonym columns as no synonyms', async () => {
    const doid = await loadVocabulary(join(VOCAB_DIR, 'doid-infectious-2026.tsv'));
    const covoc = await loadVocabulary(join(VOCAB_DIR, 'covoc-2022.tsv'));
    expect(doid).toHaveLength(536);
    expect(covoc).toHaveLength(553);
    expect(doid.find((term) => term.id === 'DOID:0040083')).toEqual({ id: 'DOID:0040083', name: 'Chlamydia pneumonia', synonyms: [] });
    expect(doid.find((term) => term.id === 'DOID:2945')?.synonyms).toEqual(['SARS', 'SARS-CoV infection']);
    expect(covoc.find((term) => term.id === 'CHEBI:134722')?.synonyms).toEqual(['Avigan', 'avigan', 'T-705']);
  });
});

describe('loadVocabulary on small files', () => {
  it('finds the columns by header name in any order and ignores extra columns', async () => {
    const path = scratchFile('reordered.tsv', 'synonyms\tnotes\tid\tname\nHIV | AIDS virus |\tx\tD1\tHIV Infections\n\t\tD2\tFever\n');
    expect(await loadVocabulary(path)).toEqual([
      { id: 'D1', name: 'HIV Infections', synonyms: ['HIV', 'AIDS virus'] },
      { id: 'D2', name: 'Fever', synonyms: [] },
    ]);
  });

  it('accepts CRLF line ends, a byte-order mark and blank lines, and drops synonyms repeating the name', async () => {
    const path = scratchFile('windows.tsv', '\uFEFFid\tname\tsynonyms\r\nD1\tFever\tFever|Pyrexia|Pyrexia\r\n\r\n');
    expect(await loadVocabulary(path)).toEqual([{ id: 'D1', name: 'Fever', synonyms: ['Pyrexia'] }]);
  });

  it('decompresses .tsv.gz files', async () => {
    const path = scratchFile('small.tsv.gz', gzipSync('id\tname\tsynonyms\nD1\tFever\tPyrexia\n'));
    expect(await loadVocabulary(path)).toEqual([{ id: 'D1', name: 'Fever', synonyms: ['Pyrexia'] }]);
  });

  it.each([
    ['no-synonyms.tsv', 'id\tname\nD1\tFever\n', /no-synonyms\.tsv: header lacks column synonyms/],
    ['short-line.tsv', 'id\tname\tsynonyms\nD1\tFever\t\nD2\tCough\n', /short-line\.tsv: line 3 is malformed: 2 fields, header has 3/],
    ['long-line.tsv', 'id\tname\tsynonyms\nD1\tFever\tPyrexia\textra\n', /long-line\.tsv: line 2 is malformed/],
    ['no-name.tsv', 'id\tname\tsynonyms\nD1\t \tPyrexia\n', /no-name\.tsv: line 2 is malformed: empty name/],
    ['empty.tsv', '', /empty\.tsv: missing header row/],
    ['not-gzip.tsv.gz', 'id\tname\tsynonyms\n', /not-gzip\.tsv\.gz: incorrect header check/],
    ['vocabulary.csv', 'id,name,synonyms\n', /vocabulary\.csv: expected a \.tsv or \.tsv\.gz file/],
  ])('rejects %s, naming the file and the problem', async (name, content, message) => {
    await expect(loadVocabulary(scratchFile(name, content))).rejects.toThrow(message);
  });

  it('rejects a missing file, naming it', async () => {
    const path = join(scratch, 'missing.tsv.gz');
    await expect(loadVocabulary(path)).rejects.toThrow(`Cannot load vocabulary ${path}: ENOENT`);
  });

  it.each([
    ['bytes', { bytes: 100 }, 'larger than 100 B of text'],
    ['line length', { lineLength: 40 }, 'line 3 is longer than 40 characters'],
    ['rows', { rows: 2 }, 'more than 2 rows'],
    ['distinct names and synonyms', { terms: 5 }, 'more than 5 distinct names and synonyms'],
  ])('stops at its bound on %s, with a one-line reason', async (_, bound, reason) => {
    const text = `id\tname\tsynonyms\nD1\tFever\tPyrexia\nD2\tCough\t${'Tussis|'.repeat(8)}\nD3\tPain\tAche\n`;
    const path = scratchFile('bounded.tsv.gz', gzipSync(text));
    expect(await loadVocabulary(path)).toHaveLength(3);
    await expect(loadVocabulary(path, { ...VOCABULARY_LIMITS, ...bound })).rejects.toThrow(`Cannot load vocabulary ${path}: ${reason}`);
  });
});
