import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphql, repoRoot, runCli, startServer, temporaryDir } from './support/cli.js';
import { fetchStats } from './support/corpus.js';
import { generateTinyModel } from './support/model.js';

const seed = join(repoRoot, 'seed');

/** A GraphQL POST whose `sent` settles once the request bytes are handed to the kernel: in flight, by any measure. */
function postQuery(url: string, query: string): { sent: Promise<void>; response: Promise<any> } {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const response = new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body, markSent);
  });
  return { sent, response };
}

describe('SIGTERM', () => {
  it('finishes in-flight requests, says what is saved and exits 0', async () => {
    const model = generateTinyModel();
    const dataDir = temporaryDir();
    expect((await runCli(['ingest', join(seed, 'corpus'), '--vocabulary', join(seed, 'vocabulary.tsv'), '--data-dir', dataDir])).code).toBe(0);
    const env = { KGQA_API_KEY: 'k' };
    const server = await startServer(['--data-dir', dataDir, '--model', model, '--vocabulary', join(seed, 'vocabulary.tsv')], env);
    const added = await graphql(
      server.url,
      'mutation { ingest(documents: [{ id: "late-doc", text: "Dromedary camels carry MERS-CoV." }]) { accepted { id } } }',
      undefined,
      { authorization: 'Bearer k' },
    );
    expect(added.errors).toBeUndefined();

    // Questions the model has not seen: each needs a model run, so they are in flight when the signal lands.
    const inFlight = Array.from({ length: 12 }, (_, i) =>
      postQuery(server.url, `query { ask(question: "Which protein of SARS-CoV binds receptor number ${i}?") { answers { text } } }`),
    );
    await Promise.all(inFlight.map((r) => r.sent));
    const exitCode = server.stop();
    const responses = await Promise.all(inFlight.map((r) => r.response));
    for (const response of responses) {
      expect(response.errors).toBeUndefined();
      expect(Array.isArray(response.data.ask.answers)).toBe(true);
    }
    expect(await exitCode).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing in-flight requests/);
    expect(server.output()).toContain(`kgqa: stopped; every acknowledged document is saved in ${join(dataDir, 'kgqa.sqlite')} (13 articles)\n`);

    const restarted = await startServer(['--data-dir', dataDir]);
    try {
      expect((await fetchStats(restarted.url)).articles).toBe(13);
      const article = await graphql(restarted.url, '{ article(id: "late-doc") { sentenceCount } }');
      expect(article.data.article.sentenceCount).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});
