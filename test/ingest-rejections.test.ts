import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cord19Dir, runCli, startServer, temporaryDir } from './support/cli.js';
import { fetchStats } from './support/corpus.js';

const GOOD = readdirSync(cord19Dir).filter((name) => name.endsWith('.json')).sort().slice(0, 3);

async function statsOf(dataDir: string) {
  const server = await startServer(['--data-dir', dataDir]);
  try {
    return await fetchStats(server.url);
  } finally {
    await server.stop();
  }
}

describe('a bad document next to good ones', () => {
  it('is rejected alone, with its reason, and nothing of it is written', async () => {
    const inputs = temporaryDir();
    for (const name of GOOD) copyFileSync(join(cord19Dir, name), join(inputs, name));
    const truncated = readFileSync(join(cord19Dir, GOOD[0]), 'utf8').slice(0, 5000);
    writeFileSync(join(inputs, 'truncated.json'), truncated);
    writeFileSync(join(inputs, 'empty.txt'), '  \n');
    writeFileSync(join(inputs, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0xff]));
    writeFileSync(join(inputs, 'latin1.md'), Buffer.from('Caf\xe9 title\n\nSome text here.', 'latin1'));
    writeFileSync(join(inputs, 'paper.pdf'), '%PDF-1.4');
    writeFileSync(
      join(inputs, 'mixed.jsonl'),
      [
        JSON.stringify({ id: 'line-ok', title: 'Fine', year: 2004, text: 'Coronavirus spike protein binds the receptor.' }),
        '{"id": "broken", "text": ',
        JSON.stringify({ id: 'bad-year', text: 'Some text.', year: 'soon' }),
        JSON.stringify({ title: 'no id', text: 'Some text.' }),
      ].join('\n'),
    );

    const mixedDir = temporaryDir();
    const result = await runCli(['ingest', inputs, '--data-dir', mixedDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ingested 4 documents/);
    expect(result.stdout).toMatch(/rejected: 8 documents/);
    const rejections = result.stdout.split('\n').filter((line) => line.startsWith('  '));
    const reasonFor = (origin: string) => rejections.find((line) => line.includes(origin)) ?? '';
    expect(reasonFor('truncated.json')).toMatch(/malformed JSON/);
    expect(reasonFor('empty.txt')).toMatch(/empty file/);
    expect(reasonFor('binary.txt')).toMatch(/binary file/);
    expect(reasonFor('latin1.md')).toMatch(/not UTF-8/);
    expect(reasonFor('paper.pdf')).toMatch(/unknown format/);
    expect(reasonFor('mixed.jsonl:2')).toMatch(/malformed JSON/);
    expect(reasonFor('mixed.jsonl:3')).toMatch(/year must be an integer/);
    expect(reasonFor('mixed.jsonl:4')).toMatch(/missing id/);

    // The good documents alone, in a store of their own, give exactly the same graph.
    const goodOnly = temporaryDir();
    for (const name of GOOD) copyFileSync(join(cord19Dir, name), join(goodOnly, name));
    writeFileSync(join(goodOnly, 'ok.jsonl'), JSON.stringify({ id: 'line-ok', title: 'Fine', year: 2004, text: 'Coronavirus spike protein binds the receptor.' }));
    const cleanDir = temporaryDir();
    const clean = await runCli(['ingest', goodOnly, '--data-dir', cleanDir]);
    expect(clean.code).toBe(0);
    expect(await statsOf(mixedDir)).toEqual(await statsOf(cleanDir));
  });
});
