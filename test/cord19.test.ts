import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cord19Dir, graphql, meshPath, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { cord19PaperIds, countMentions, fetchAllSentences, fetchStats, type ServedSentence } from './support/corpus.js';

const EXAMPLE_SEARCH = `{ search(text: "coronavirus main proteinase structure") {
  concepts { id name }
  links { source { id name } target { id name } rank sentences(first: 2) { text concepts { id } article { title } } } } }`;

/** The checks a person could make by reading the served sentences, for one way of finding concepts. */
function describeIngestedSample(label: string, vocabularyArgs: string[], expectations: { conceptsInExample: RegExp }) {
  describe(`CORD-19 sample ${label}`, () => {
    const dataDir = temporaryDir();
    let server: ServerProcess;
    let sentences: ServedSentence[];
    let ingestOutput: string;

    beforeAll(async () => {
      const ingest = await runCli(['ingest', cord19Dir, '--data-dir', dataDir, ...vocabularyArgs]);
      ingestOutput = ingest.stdout;
      expect(ingest.stderr).toBe('');
      expect(ingest.code).toBe(0);
      server = await startServer(['--data-dir', dataDir]);
      sentences = await fetchAllSentences(server.url, cord19PaperIds());
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('reports what it ingested', async () => {
      expect(ingestOutput).toMatch(/ingested 22 documents \(22 new, 0 replaced, 0 unchanged\)/);
      expect(ingestOutput).toMatch(/rejected: 0 documents/);
      const stats = await fetchStats(server.url);
      expect(stats.articles).toBe(22);
      expect(stats.sentences).toBe(sentences.length);
      expect(stats.sentences).toBeGreaterThan(2000);
      expect(ingestOutput).toContain(`store: 22 articles, ${stats.sentences} sentences, ${stats.concepts} concepts, ${stats.edges} edges`);
    });

    it('gives every concept a rank equal to the number of sentences that mention it', async () => {
      const counts = countMentions(sentences);
      const stats = await fetchStats(server.url);
      expect(counts.size).toBe(stats.concepts);
      const ids = [...counts.keys()];
      for (let i = 0; i < ids.length; i += 25) {
        const batch = ids.slice(i, i + 25); // within the server's alias limit
        const query = `{ ${batch.map((id, j) => `c${j}: concept(id: ${JSON.stringify(id)}) { id rank }`).join(' ')} }`;
        const response = await graphql(server.url, query);
        expect(response.errors).toBeUndefined();
        batch.forEach((id, j) => expect(response.data[`c${j}`], id).toEqual({ id, rank: counts.get(id) }));
      }
    });

    it('marks mentions at offsets that hold the concept in the sentence text', () => {
      let mentions = 0;
      for (const sentence of sentences) {
        for (const mention of sentence.mentions) {
          const surface = sentence.text.slice(mention.start, mention.end);
          expect(surface.trim()).toBe(surface);
          expect(surface.length).toBeGreaterThan(2);
          expect(sentence.concepts.map((c) => c.id)).toContain(mention.concept.id);
          mentions++;
        }
      }
      expect(mentions).toBeGreaterThan(sentences.length);
    });

    it("keeps on each edge only sentences that mention both concepts, as many as its rank", async () => {
      const byKey = new Map(sentences.map((s) => [s.key, s]));
      const top = [...countMentions(sentences)].sort((a, b) => b[1] - a[1]).slice(0, 8);
      for (const [id] of top) {
        const response = await graphql(
          server.url,
          `query($id: ID!) { concept(id: $id) { edges(first: 6) { totalCount edges { node {
            source { id } target { id } rank sentences(first: 100) { key } } } } } }`,
          { id },
        );
        expect(response.errors).toBeUndefined();
        const connection = response.data.concept.edges;
        expect(connection.totalCount).toBeGreaterThan(0);
        for (const { node } of connection.edges) {
          expect(node.source.id).toBe(id);
          const both = sentences.filter((s) => s.concepts.some((c) => c.id === id) && s.concepts.some((c) => c.id === node.target.id));
          expect(node.rank).toBe(both.length);
          expect(node.sentences.length).toBe(Math.min(100, node.rank));
          for (const { key } of node.sentences) {
            const ids = byKey.get(key)!.concepts.map((c) => c.id);
            expect(ids).toContain(id);
            expect(ids).toContain(node.target.id);
          }
        }
      }
    });

    it('answers the example search with concepts, links and their sentences', async () => {
      const response = await graphql(server.url, EXAMPLE_SEARCH);
      expect(response.errors).toBeUndefined();
      const { concepts, links } = response.data.search;
      expect(concepts.map((c: { name: string }) => c.name).join(' | ')).toMatch(expectations.conceptsInExample);
      expect(links.length).toBeGreaterThan(5);
      for (const link of links) {
        expect(link.sentences.length).toBeGreaterThan(0);
        for (const sentence of link.sentences) {
          const ids = sentence.concepts.map((c: { id: string }) => c.id);
          expect(ids).toEqual(expect.arrayContaining([link.source.id, link.target.id]));
          expect(sentence.article.title.length).toBeGreaterThan(0);
        }
      }
    });

    it('changes no count when the same documents are ingested again', async () => {
      const before = await fetchStats(server.url);
      await server.stop();
      const again = await runCli(['ingest', cord19Dir, '--data-dir', dataDir, ...vocabularyArgs]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/ingested 22 documents \(0 new, 0 replaced, 22 unchanged\)/);
      server = await startServer(['--data-dir', dataDir]);
      expect(await fetchStats(server.url)).toEqual(before);
    });
  });
}

describeIngestedSample('without a vocabulary (concepts extracted from the corpus)', [], {
  conceptsInExample: /coronavirus/i,
});

describeIngestedSample('with the MeSH 2024 vocabulary', ['--vocabulary', meshPath], {
  conceptsInExample: /Coronavirus/,
});
