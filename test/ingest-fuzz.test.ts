/**
 * Hostile input files through the real `kgqa ingest`: truncated and byte-flipped CORD-19 JSON, a 5 MB paragraph
 * without a sentence break, binary, UTF-16 and Latin-1 files, deeply nested JSON and JSONL mixing good and bad
 * lines. Each bad document must be rejected alone with a clear reason (exit code 1), and the store must hold
 * exactly what a clean run of only the accepted documents holds: same stats, same sentences, same concepts.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_CHARS } from '../src/ingest/sentences.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { dumpEmbeddedStore } from './support/embedded-dump.js';
import { cord19Dir, runCli, temporaryDir } from './support/cli.js';
import { Rng } from './support/seeded-rng.js';

const SEED = Number(process.env.KGQA_FUZZ_SEED ?? 20_240_601);
const CORD19 = readdirSync(cord19Dir).filter((name) => name.endsWith('.json')).sort();
/** Copied untouched; the other sample files are the raw material for the broken ones. */
const GOOD = CORD19.slice(0, 4);
const SOURCES = CORD19.slice(4);
const HUGE_BYTES = 5 * 1024 * 1024;

/** Every reason `kgqa ingest` gives; anything else (a stack trace, "undefined", a V8 message alone) is unclear. */
const CLEAR_REASON = new RegExp(
  ': (' +
    [
      'malformed JSON: .+',
      'not UTF-8 text.*',
      'binary file \\(contains NUL bytes\\)',
      'empty file',
      'unknown format ".+" \\(expected .+\\)',
      'not a CORD-19 article \\(needs abstract\\[\\] or body_text\\[\\]\\)',
      'abstract\\[\\] and body_text\\[\\] entries need a string "text"',
      'missing id',
      'invalid id ".*": 1-200 characters, no spaces, braces or \'#\'',
      'title must be a string',
      'year must be an integer between \\d+ and \\d+',
      'text must be a string',
      'no text',
      'line is not a JSON object',
      'duplicate id in this batch',
    ].join('|') +
    ')$',
);

/** What a file (or a JSONL line) must come to: ingested, rejected for this reason, or either (random damage). */
type Outcome = 'accepted' | RegExp | 'either';

interface FileInput {
  name: string;
  bytes: Buffer;
  outcome: Outcome;
}

interface LinesInput {
  name: string;
  lines: { text: string; outcome: Outcome }[];
}

function paragraphsOf(file: string): string[] {
  const paper = JSON.parse(readFileSync(join(cord19Dir, file), 'utf8'));
  return [...(paper.abstract ?? []), ...(paper.body_text ?? [])].map((p: { text: string }) => p.text);
}

const cord19 = (paper: unknown) => Buffer.from(JSON.stringify(paper));
const abstract = [{ text: 'Coronavirus spike protein binds the ACE2 receptor on host cells.' }];

function brokenCord19(rng: Rng): FileInput[] {
  const inputs: FileInput[] = [];
  for (let i = 0; i < 6; i++) {
    const text = readFileSync(join(cord19Dir, rng.pick(SOURCES)));
    // Cut before the closing brace, so the rest can never be valid JSON.
    inputs.push({ name: `truncated-${i}.json`, bytes: text.subarray(0, rng.int(1, text.lastIndexOf('}') - 1)), outcome: /malformed JSON/ });
  }
  for (let i = 0; i < 10; i++) {
    const bytes = Buffer.from(readFileSync(join(cord19Dir, rng.pick(SOURCES))));
    // Flipped bits mostly make invalid UTF-8; ASCII swaps also reach the JSON parser and the field checks.
    const ascii = i % 2 === 0;
    for (let flips = rng.logInt(1, 40); flips > 0; flips--) {
      const at = rng.int(0, bytes.length - 1);
      bytes[at] = ascii ? rng.pick([...'{}[]":,\\ \nae0.']).charCodeAt(0) : bytes[at] ^ rng.int(1, 255);
    }
    inputs.push({ name: `flipped-${i}.json`, bytes, outcome: 'either' });
  }
  return inputs;
}

/** Real prose with every sentence terminator and newline removed: one paragraph that is one "sentence". */
function runOnProse(bytes: number): string {
  const prose = SOURCES.flatMap(paragraphsOf).join(' ').replace(/[.!?…\n]/g, ' ');
  return prose.repeat(Math.ceil(bytes / prose.length)).slice(0, bytes);
}

/** A flattened table: 5 MB of numbers without a sentence break, cheap to match, so it can be this big. */
function hugeTable(rng: Rng): string {
  const cells: string[] = [];
  for (let length = 0; length < HUGE_BYTES; length += cells[cells.length - 1].length + 1) cells.push((rng.int(0, 99_999) / 100).toString());
  return cells.join(' ').slice(0, HUGE_BYTES);
}

function hugeParagraphs(rng: Rng): FileInput[] {
  return [
    { name: 'huge-paragraph.txt', bytes: Buffer.from(`A flattened table\n\n${hugeTable(rng)}`), outcome: 'accepted' },
    // 300 KB of this as one sentence made 1.5 million edges and took two minutes, before sentences were bounded.
    { name: 'run-on-prose.txt', bytes: Buffer.from(`Prose without sentence breaks\n\n${runOnProse(400_000)}`), outcome: 'accepted' },
    // One 2 MB word: cut at the sentence limit without splitting a surrogate pair.
    { name: 'huge-token.txt', bytes: Buffer.from(`Emoji\n\nx${'😀'.repeat(1_000_000)}`), outcome: 'accepted' },
  ];
}

function oddFiles(rng: Rng): FileInput[] {
  const text = 'Coronavirus title\n\nCoronavirus spike protein binds the receptor. Café au lait.';
  const utf16le = Buffer.from(text, 'utf16le');
  const deep = 200_000;
  return [
    { name: 'utf16le-bom.txt', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]), outcome: /not UTF-8 text \(UTF-16/ },
    { name: 'utf16be-bom.json', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16le).swap16()]), outcome: /not UTF-8 text \(UTF-16/ },
    { name: 'utf16le-nobom.md', bytes: utf16le, outcome: /binary file/ },
    { name: 'utf8-bom.txt', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), outcome: 'accepted' },
    { name: 'latin1.txt', bytes: Buffer.from(text, 'latin1'), outcome: /not UTF-8 text$/ },
    { name: 'latin1.jsonl', bytes: Buffer.from(`${JSON.stringify({ id: 'latin1-line', text: 'Café.' })}\n`, 'latin1'), outcome: /not UTF-8 text$/ },
    { name: 'overlong.md', bytes: Buffer.from([0x23, 0x20, 0x41, 0x0a, 0x0a, 0xc0, 0xaf, 0x41]), outcome: /not UTF-8 text$/ },
    { name: 'binary.json', bytes: Buffer.concat([rng.bytes(500), Buffer.from([0]), rng.bytes(500)]), outcome: /binary file/ },
    { name: 'png.txt', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), outcome: /binary file/ },
    { name: 'noise.md', bytes: Buffer.from(Array.from({ length: 3_000 }, () => rng.int(0x80, 0xff))), outcome: /not UTF-8 text$/ },
    { name: 'paper.pdf', bytes: Buffer.from('%PDF-1.4'), outcome: /unknown format "\.pdf"/ },
    { name: 'README', bytes: Buffer.from('no extension'), outcome: /unknown format "README"/ },
    { name: 'empty.txt', bytes: Buffer.alloc(0), outcome: /empty file/ },
    { name: 'blank.json', bytes: Buffer.from(' \n\t\r\n'), outcome: /empty file/ },
    { name: 'headings-only.md', bytes: Buffer.from('# Title\n\n## Section\n\n### Another\n'), outcome: /no text/ },
    { name: 'deep-arrays.json', bytes: Buffer.from('['.repeat(1_000_000) + ']'.repeat(1_000_000)), outcome: /not a CORD-19 article/ },
    { name: 'deep-objects.json', bytes: Buffer.from('{"a":'.repeat(deep) + '1' + '}'.repeat(deep)), outcome: /not a CORD-19 article/ },
    { name: 'deep-text.json', bytes: Buffer.from(`{"paper_id":"deep-text","body_text":[{"text":${'['.repeat(deep)}${']'.repeat(deep)}}]}`), outcome: /entries need a string "text"/ },
    { name: 'null.json', bytes: Buffer.from('null'), outcome: /not a CORD-19 article/ },
    { name: 'body-string.json', bytes: cord19({ paper_id: 'body-string', body_text: 'just a string' }), outcome: /entries need a string "text"/ },
    { name: 'numeric-id.json', bytes: cord19({ paper_id: 42, abstract }), outcome: 'accepted' },
    { name: 'no-paper-id.json', bytes: cord19({ abstract }), outcome: 'accepted' },
    { name: 'metadata-list.json', bytes: cord19({ paper_id: 'metadata-list', metadata: [], abstract }), outcome: 'accepted' },
    { name: 'spaced-id.json', bytes: cord19({ paper_id: 'has space', abstract }), outcome: /invalid id/ },
    { name: 'title-number.json', bytes: cord19({ paper_id: 'title-number', metadata: { title: 5 }, abstract }), outcome: /title must be a string/ },
    { name: 'year-string.json', bytes: cord19({ paper_id: 'year-string', metadata: { title: 'T', year: '2020' }, abstract }), outcome: /year must be an integer/ },
    { name: 'no-text.json', bytes: cord19({ paper_id: 'no-text', abstract: [], body_text: [] }), outcome: /no text/ },
    { name: 'blank-text.json', bytes: cord19({ paper_id: 'blank-text', abstract: [{ text: '  \n\n \t ' }] }), outcome: /no text/ },
  ];
}

/** JSONL mixing good lines (real CORD-19 paragraphs) with every kind of bad line, in a seeded order. */
function mixedLines(rng: Rng): LinesInput {
  const paragraphs = SOURCES.slice(0, 4).flatMap(paragraphsOf).filter((p) => p.length > 200);
  const good = (id: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ id, title: `Line ${id}`, year: 2003, text: rng.pick(paragraphs), ...extra });
  const deep = 100_000;
  const lines: { text: string; outcome: Outcome }[] = [
    ...Array.from({ length: 12 }, (_, i) => ({ text: good(`line-${i}`), outcome: 'accepted' as const })),
    { text: good(12_345), outcome: 'accepted' },
    { text: good('nested-extra', { extra: JSON.parse('{"a":'.repeat(1_000) + '1' + '}'.repeat(1_000)) }), outcome: 'accepted' },
    { text: `${good('crlf-line')}\r`, outcome: 'accepted' },
    { text: good('lone-surrogate', { text: 'Coronavirus \ud800 spike protein binds the receptor.' }), outcome: 'accepted' },
    { text: good('line-0'), outcome: /duplicate id in this batch/ },
    { text: good(GOOD_IDS[0]), outcome: /duplicate id in this batch/ },
    { text: good('cut-short').slice(0, 40), outcome: /malformed JSON/ },
    { text: '{"id": "x", "text": "a"} trailing', outcome: /malformed JSON/ },
    { text: `{"id":"deep-line","text":${'['.repeat(deep)}${']'.repeat(deep)}}`, outcome: /text must be a string/ },
    { text: '[1, 2, 3]', outcome: /line is not a JSON object/ },
    { text: '"just a string"', outcome: /line is not a JSON object/ },
    { text: 'null', outcome: /line is not a JSON object/ },
    { text: JSON.stringify({ title: 'No id', text: 'Some text.' }), outcome: /missing id/ },
    { text: good('   '), outcome: /missing id/ },
    { text: good('has#hash'), outcome: /invalid id/ },
    { text: good('x'.repeat(201)), outcome: /invalid id/ },
    { text: good('tab\tid'), outcome: /invalid id/ },
    // Shown escaped: a newline would split the summary's one-line-per-rejection format.
    { text: good('line\nbreak'), outcome: /invalid id "line\\nbreak"/ },
    { text: good('title-number', { title: 7 }), outcome: /title must be a string/ },
    { text: good('year-float', { year: 2003.5 }), outcome: /year must be an integer/ },
    { text: good('year-far', { year: 30_000 }), outcome: /year must be an integer/ },
    { text: good('text-number', { text: 5 }), outcome: /text must be a string/ },
    { text: good('text-missing', { text: undefined }), outcome: /text must be a string/ },
    { text: good('text-blank', { text: ' \n\n ' }), outcome: /no text/ },
    { text: '\u0001\u0002garbage', outcome: /malformed JSON/ },
  ];
  // Shuffle, keeping "line-0" before its duplicate so which one is rejected is known.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const first = lines.findIndex((l) => l.text.includes('"id":"line-0"') && l.outcome === 'accepted');
  const duplicate = lines.findIndex((l) => l.text.includes('"id":"line-0"') && l.outcome !== 'accepted');
  if (duplicate < first) [lines[first].outcome, lines[duplicate].outcome] = [lines[duplicate].outcome, lines[first].outcome];
  lines.splice(rng.int(0, lines.length), 0, { text: '   ', outcome: 'either' });
  return { name: 'mixed.jsonl', lines };
}

const GOOD_IDS = GOOD.map((name) => JSON.parse(readFileSync(join(cord19Dir, name), 'utf8')).paper_id as string);

interface Rejection {
  origin: string;
  line: string;
}

function rejectionsOf(stdout: string): Rejection[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => ({ origin: /^ {2}(\S+?)(?: \(|: )/.exec(line)?.[1] ?? '', line }));
}

async function statsOf(dataDir: string) {
  const store = await SqliteStore.open({ dataDir });
  return store.stats();
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('ingesting hostile files', () => {
  it('rejects each bad document alone with a clear reason and stores exactly what a clean run stores', async () => {
    const rng = new Rng(SEED);
    const files: FileInput[] = [
      ...GOOD.map((name) => ({ name, bytes: readFileSync(join(cord19Dir, name)), outcome: 'accepted' as const })),
      ...brokenCord19(rng),
      ...hugeParagraphs(rng),
      ...oddFiles(rng),
    ];
    const jsonl = mixedLines(rng);
    const inputs = temporaryDir('kgqa-fuzz-in-');
    for (const file of files) writeFileSync(join(inputs, file.name), file.bytes);
    writeFileSync(join(inputs, jsonl.name), jsonl.lines.map((l) => l.text).join('\n'));

    const mixedDir = temporaryDir();
    const mixed = await runCli(['ingest', inputs, '--data-dir', mixedDir]);
    expect(mixed.code, mixed.stderr).toBe(1);
    const rejections = rejectionsOf(mixed.stdout);
    expect(mixed.stdout).toContain(`rejected: ${rejections.length} documents`);
    expect(rejections.filter((r) => !CLEAR_REASON.test(r.line)).map((r) => r.line.slice(0, 300))).toEqual([]);

    // Each input came to what it had to, and the accepted ones make up the clean corpus.
    const rejectionOf = (origin: string) => rejections.filter((r) => r.origin === origin);
    const cleanInputs = temporaryDir('kgqa-fuzz-clean-');
    const wrong: string[] = [];
    const check = (origin: string, outcome: Outcome): boolean => {
      const found = rejectionOf(origin);
      if (outcome === 'accepted' && found.length > 0) wrong.push(`${origin} should be accepted: ${found[0].line}`);
      if (outcome instanceof RegExp && !found.some((r) => outcome.test(r.line))) wrong.push(`${origin} should be rejected with ${outcome}: ${found[0]?.line ?? 'accepted'}`);
      return found.length === 0;
    };
    let accepted = 0;
    for (const file of files) {
      if (!check(join(inputs, file.name), file.outcome)) continue;
      copyFileSync(join(inputs, file.name), join(cleanInputs, file.name));
      accepted++;
    }
    const goodLines = jsonl.lines.filter((line, index) => check(`${join(inputs, jsonl.name)}:${index + 1}`, line.outcome) && line.text.trim() !== '');
    writeFileSync(join(cleanInputs, jsonl.name), goodLines.map((l) => l.text).join('\n'));
    accepted += goodLines.length;
    expect(wrong).toEqual([]);
    expect(mixed.stdout).toMatch(new RegExp(`^ingested ${accepted} documents \\(${accepted} new`));
    console.log(`ingest fuzz (seed ${SEED}): ${files.length} files + ${jsonl.lines.length} JSONL lines, ${accepted} documents accepted, ${rejections.length} rejected:\n${rejections.map((r) => r.line.replace(inputs + '/', '').slice(0, 140)).join('\n')}`);

    const cleanDir = temporaryDir();
    const clean = await runCli(['ingest', cleanInputs, '--data-dir', cleanDir]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`^ingested ${accepted} documents`));

    const mixedSnapshot = dumpEmbeddedStore(mixedDir);
    const cleanSnapshot = dumpEmbeddedStore(cleanDir);
    expect(await statsOf(mixedDir)).toEqual(await statsOf(cleanDir));
    expect(mixedSnapshot.articles).toEqual(cleanSnapshot.articles);
    expect(mixedSnapshot.sentences.map((s) => [s.key, s.text])).toEqual(cleanSnapshot.sentences.map((s) => [s.key, s.text]));
    expect(mixedSnapshot).toEqual(cleanSnapshot);

    // Rejected documents left nothing behind.
    const storedIds = new Set(mixedSnapshot.sentences.map((s) => s.articleId));
    const cleanIds = new Set(cleanSnapshot.sentences.map((s) => s.articleId));
    const rejectedIds = rejections.map((r) => /\((.*?)\): /.exec(r.line)?.[1]).filter((id): id is string => !!id && !cleanIds.has(id));
    expect(rejectedIds.filter((id) => storedIds.has(id))).toEqual([]);

    // The run-on paragraphs and the 2 MB word were cut into bounded sentences, never inside a character.
    for (const id of ['huge-paragraph', 'run-on-prose', 'huge-token']) {
      const sentences = mixedSnapshot.sentences.filter((s) => s.articleId === id);
      expect(sentences.length).toBeGreaterThan(100);
      expect(sentences.filter((s) => s.text.length > MAX_SENTENCE_CHARS || LONE_SURROGATE.test(s.text)).length).toBe(0);
    }

    // Again into the clean store: the good documents are unchanged and the bad ones still touch nothing.
    const again = await runCli(['ingest', inputs, '--data-dir', cleanDir]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`^ingested ${accepted} documents \\(0 new, 0 replaced, ${accepted} unchanged\\)`));
    expect(rejectionsOf(again.stdout).map((r) => r.line)).toEqual(rejections.map((r) => r.line));
    expect(dumpEmbeddedStore(cleanDir)).toEqual(cleanSnapshot);
  }, 600_000);
});
