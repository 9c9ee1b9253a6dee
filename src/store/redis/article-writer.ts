import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { sentenceKey } from '../../domain.js';
import type { PreparedArticle, WriteOutcome } from '../store.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { articleContributions, type ArticleContributions } from '../article-contributions.js';
import { postingImpact } from '../../text/bm25.js';
import { joinTerms, splitTerms, termCounts } from '../../text/index-terms.js';
import { checkWellFormedId } from '../../unicode.js';
import { parseEdgeId, sentenceKeyPrefix, type KeyLayout } from './keys.js';
import { articleFields, decodeSentence, encodeSentence, encodeTokens } from './records.js';
import {
  BEGIN_ARTICLE,
  COMMIT_ARTICLE,
  COMMIT_DELETE,
  RELEASE_LEASE,
  REMOVE_CORPUS_ARTICLE,
  SET_CONCEPT_CONTRIBUTION,
  SET_CORPUS_ARTICLE,
  SET_CORPUS_CONCEPT,
  SET_EDGE_CONTRIBUTION,
  SET_TERM_CONTRIBUTION,
} from './scripts.js';

export interface ArticleWriterOptions {
  connection: RedisConnection;
  keys: KeyLayout;
  /** How long a writer may hold an article before another may take over (a crashed writer never releases it). */
  leaseMs: number;
  /** Test hook, called before each graph-level command: throwing from it stops a write midway, like a crash. */
  beforeGraphCommand?: (issued: number) => void;
}

/** Journal entries name what an article write may have touched: "c" + concept id, "e" + edge id or "t" + term. */
const CONCEPT_ENTRY = 'c';
const EDGE_ENTRY = 'e';
const TERM_ENTRY = 't';
/** Marks an unfinished deletion, whose entities the stored sentences still name, so the article reads as unfinished. */
const DELETE_ENTRY = 'd';
const LEASE_POLL_MS = 50;
/**
 * Graph-level scripts of one write in flight at once. A command's deadline runs from when it is issued, and
 * node-redis sends whatever is issued together: a COVID-QA article without a vocabulary touches ~10,000 concepts,
 * edges and terms, and issued all at once on a busy 3-master Cluster its last scripts waited past the 3 s deadline
 * in the client's own queue (the ingest stopped at its 54th document). 256 at a time still fills every pipeline.
 */
const GRAPH_COMMANDS_IN_FLIGHT = 256;

type Begun = { storedHash: string; journal: string[]; storedSentences: string[]; storedTerms: string[] };

/**
 * Writes one article so that a crash at any point, followed by the same write (or any other version of the
 * article), leaves exactly what one clean write leaves:
 * 1. BEGIN (article slot): take the article's lease; journal every concept, edge and term this version touches.
 * 2. Graph (concept, edge and term slots): set this article's contribution to every entity in the journal, in
 *    the previous version, or in an unfinished earlier write; entities it no longer touches get an empty one.
 * 3. Corpus index: concept degrees (re-checked until stable, as other writers may race), article sentence and
 *    term counts.
 * 4. COMMIT (article slot): replace the article record, sentences, index terms and tokens, drop the journal, free
 *    the lease.
 * Until COMMIT the stored content hash is the old one and the journal exists, so a re-run never skips the article.
 */
export async function writeArticle(options: ArticleWriterOptions, prepared: PreparedArticle): Promise<WriteOutcome> {
  checkPrepared(prepared);
  const { connection, keys } = options;
  const { article } = prepared;
  const next = articleContributions(prepared.sentences);
  const nextTerms = new Set(prepared.terms.flat());
  const token = randomUUID();
  const begun = await begin(options, prepared, [...journalEntries(next), ...termEntries(nextTerms)], token);
  if (begun === 'unchanged') return 'unchanged';
  const articleKeys = keys.article(article.id);
  try {
    // Only which entities the stored sentences touch matters here, not their order (HVALS has none).
    const stored = begun.storedSentences.map((value) => decodeSentence(article.id, 0, value));
    const storedTerms = new Set(begun.storedTerms.flatMap(splitTerms));
    const touched = new Set([
      ...begun.journal,
      ...journalEntries(next),
      ...journalEntries(articleContributions(stored)),
      ...termEntries(nextTerms),
      ...termEntries(storedTerms),
    ]);
    const update = new GraphUpdate(options, prepared, next);
    await update.apply(touched);
    // A replayed write may have added forms before it stopped: the matcher must not miss them.
    if (update.formsAdded || begun.journal.length > 0) await connection.send(keys.corpus.lexiconVersion, ['INCR', keys.corpus.lexiconVersion]);

    const corpus = keys.corpus;
    const termCount = prepared.terms.reduce((sum, terms) => sum + terms.length, 0);
    await connection.eval(
      SET_CORPUS_ARTICLE,
      [corpus.articles, corpus.sentences, corpus.version, corpus.articleTerms, corpus.terms],
      [article.id, prepared.sentences.length, termCount],
    );
    const tokenPairs = prepared.sentences.flatMap((sentence) => {
      const tokens = prepared.tokens?.get(sentence.key);
      return tokens ? [sentence.position, encodeTokens(tokens)] : [];
    });
    await connection.eval(
      COMMIT_ARTICLE,
      [articleKeys.record, articleKeys.sentences, articleKeys.tokens, articleKeys.journal, articleKeys.lease, articleKeys.terms],
      [
        token,
        ...articleFields(article),
        prepared.sentences.length,
        ...prepared.sentences.map(encodeSentence),
        ...prepared.sentences.map((_, position) => joinTerms(prepared.terms[position] ?? [])),
        ...tokenPairs,
      ],
    );
    // Also bumped before COMMIT; bumping after it too means nothing cached from the half-written state survives.
    await connection.send(corpus.version, ['INCR', corpus.version]);
    return begun.storedHash === '' ? 'created' : 'replaced';
  } catch (error) {
    await connection.eval(RELEASE_LEASE, [articleKeys.lease], [token]).catch(() => undefined);
    throw error;
  }
}

/**
 * Removes a stored article (or the remains of an unfinished write of one) with the same steps and the same crash
 * safety as `writeArticle`: its contribution to every entity its stored version or journal names is set to nothing,
 * then its counts leave the corpus index and its keys go. Returns false when there was nothing to remove.
 */
export async function deleteArticle(options: ArticleWriterOptions, articleId: string): Promise<boolean> {
  const { connection, keys } = options;
  const nothing: PreparedArticle = {
    article: { id: articleId, title: '', year: null, sentenceCount: 0, contentHash: '' },
    sentences: [],
    concepts: new Map(),
    terms: [],
  };
  const token = randomUUID();
  // The empty hash matches only an article that is not stored and has no unfinished write: nothing to do.
  const begun = await begin(options, nothing, [DELETE_ENTRY], token);
  if (begun === 'unchanged') return false;
  const articleKeys = keys.article(articleId);
  try {
    const stored = begun.storedSentences.map((value) => decodeSentence(articleId, 0, value));
    const touched = new Set([
      ...begun.journal,
      ...journalEntries(articleContributions(stored)),
      ...termEntries(new Set(begun.storedTerms.flatMap(splitTerms))),
    ]);
    await new GraphUpdate(options, nothing, articleContributions([])).apply(touched);
    const corpus = keys.corpus;
    await connection.eval(REMOVE_CORPUS_ARTICLE, [corpus.articles, corpus.sentences, corpus.version, corpus.articleTerms, corpus.terms], [articleId]);
    await connection.eval(COMMIT_DELETE, [articleKeys.record, articleKeys.sentences, articleKeys.tokens, articleKeys.journal, articleKeys.lease, articleKeys.terms], [token]);
    await connection.send(corpus.version, ['INCR', corpus.version]);
    return begun.storedHash !== '';
  } catch (error) {
    await connection.eval(RELEASE_LEASE, [articleKeys.lease], [token]).catch(() => undefined);
    throw error;
  }
}

async function begin(
  { connection, keys, leaseMs }: ArticleWriterOptions,
  { article }: PreparedArticle,
  entries: string[],
  token: string,
): Promise<Begun | 'unchanged'> {
  const { record, sentences, journal, lease, terms } = keys.article(article.id);
  const giveUpAt = Date.now() + leaseMs + LEASE_POLL_MS;
  for (;;) {
    const reply = (await connection.eval(BEGIN_ARTICLE, [record, sentences, journal, lease, terms], [token, leaseMs, article.contentHash, ...entries])) as RedisReply[];
    if (reply[0] === 'unchanged') return 'unchanged';
    if (reply[0] === 'begun') {
      return { storedHash: reply[1] as string, journal: reply[2] as string[], storedSentences: reply[3] as string[], storedTerms: reply[4] as string[] };
    }
    if (Date.now() > giveUpAt) throw new Error(`article "${article.id}" is being written by another writer; try again later`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(LEASE_POLL_MS, Math.max(1, reply[1] as number))));
  }
}

/** Step 2 and the concept part of step 3 of a write; every command here is a graph-level command. */
class GraphUpdate {
  private issued = 0;
  /** A concept gained a surface form: the question matcher must see it (the lexicon version is bumped). */
  formsAdded = false;
  private readonly memberPrefix: string;
  private readonly year: string;
  private readonly inFlight = pLimit({ concurrency: GRAPH_COMMANDS_IN_FLIGHT, rejectOnClear: true });

  constructor(
    private readonly options: ArticleWriterOptions,
    private readonly prepared: PreparedArticle,
    private readonly next: ArticleContributions,
  ) {
    this.memberPrefix = sentenceKeyPrefix(prepared.article.id);
    this.year = prepared.article.year === null ? '' : String(prepared.article.year);
  }

  async apply(touched: Set<string>): Promise<void> {
    const conceptIds = [...touched].filter((entry) => entry[0] === CONCEPT_ENTRY).map((entry) => entry.slice(1));
    const edgeIds = [...touched].filter((entry) => entry[0] === EDGE_ENTRY).map((entry) => entry.slice(1));
    const terms = [...touched].filter((entry) => entry[0] === TERM_ENTRY).map((entry) => entry.slice(1));
    const postings = this.postingsByTerm();
    const [conceptStates] = await Promise.all([
      this.bounded(conceptIds, (id) => this.setConcept(id)),
      this.bounded(edgeIds, (id) => this.setEdge(id)),
      this.bounded(terms, (term) => this.setTerm(term, postings.get(term) ?? [])),
    ]);
    let pending = conceptIds.map((id, i) => ({ id, state: conceptStates[i] }));
    // Another article's write may change a concept between our script and our index update; re-read until
    // what we indexed is what is stored (the last writer to look always sees the final state).
    while (pending.length > 0) {
      await this.bounded(pending, ({ id, state }) => this.setCorpusConcept(id, state));
      const current = await this.bounded(pending, ({ id }) => this.conceptState(id));
      const indexed = pending;
      pending = indexed.map(({ id }, i) => ({ id, state: current[i] })).filter(({ state }, i) => !sameState(state, indexed[i].state));
    }
  }

  /** `task` on every item, GRAPH_COMMANDS_IN_FLIGHT at a time across the whole update; the first failure stops the rest. */
  private async bounded<T, R>(items: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> {
    try {
      return await Promise.all(items.map((item) => this.inFlight(() => task(item))));
    } catch (error) {
      this.inFlight.clearQueue();
      throw error;
    }
  }

  private command(run: () => Promise<RedisReply>): Promise<RedisReply> {
    this.options.beforeGraphCommand?.(this.issued++);
    return run();
  }

  private async setConcept(id: string): Promise<[number, number]> {
    const { connection, keys } = this.options;
    const k = keys.concept(id);
    const contribution = this.next.concepts.get(id);
    const meta = contribution && this.prepared.concepts.get(id)!;
    const args = [
      this.prepared.article.id,
      this.memberPrefix,
      contribution?.positions.join(',') ?? '',
      meta?.name ?? '',
      meta?.origin ?? '',
      meta ? JSON.stringify(meta.surfaceForms) : '',
      ...[...(contribution?.neighbours ?? [])].flat(),
    ];
    const [rank, degree, formsAdded] = (await this.command(() => connection.eval(SET_CONCEPT_CONTRIBUTION, [k.record, k.sentences, k.articles, k.edges], args))) as number[];
    if (formsAdded > 0) this.formsAdded = true;
    return [rank, degree];
  }

  private async setEdge(id: string): Promise<void> {
    const { connection, keys } = this.options;
    const contribution = this.next.edges.get(id);
    const k = keys.edge(contribution?.edge ?? parseEdgeId(id));
    const args: (string | number)[] = [this.prepared.article.id, this.memberPrefix, this.year];
    for (const [position, score] of contribution?.sentences ?? []) args.push(position, -score);
    await this.command(() => connection.eval(SET_EDGE_CONTRIBUTION, [k.record, k.sentences, k.articles], args));
  }

  /** This version's (position, negated impact) pairs per term. */
  private postingsByTerm(): Map<string, (string | number)[]> {
    const byTerm = new Map<string, (string | number)[]>();
    this.prepared.terms.forEach((terms, position) => {
      for (const [term, frequency] of termCounts(terms)) {
        const pairs = byTerm.get(term) ?? [];
        pairs.push(position, -postingImpact(frequency, terms.length));
        byTerm.set(term, pairs);
      }
    });
    return byTerm;
  }

  private async setTerm(term: string, pairs: (string | number)[]): Promise<void> {
    const { connection, keys } = this.options;
    const k = keys.term(term);
    await this.command(() => connection.eval(SET_TERM_CONTRIBUTION, [k.postings, k.articles], [this.prepared.article.id, this.memberPrefix, ...pairs]));
  }

  private async setCorpusConcept(id: string, [rank, degree]: [number, number]): Promise<void> {
    const { connection, keys } = this.options;
    await this.command(() => connection.eval(SET_CORPUS_CONCEPT, [keys.corpus.concepts, keys.corpus.edgeEnds, keys.corpus.lexiconVersion], [id, rank, degree]));
  }

  private async conceptState(id: string): Promise<[number, number]> {
    const { record } = this.options.keys.concept(id);
    const [rank, degree] = (await this.command(() => this.options.connection.send(record, ['HMGET', record, 'rank', 'degree']))) as (string | null)[];
    return [Number(rank ?? 0), Number(degree ?? 0)];
  }
}

function sameState(a: [number, number], b: [number, number]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function termEntries(terms: ReadonlySet<string>): string[] {
  return [...terms].map((term) => TERM_ENTRY + term);
}

function journalEntries({ concepts, edges }: ArticleContributions): string[] {
  return [...[...concepts.keys()].map((id) => CONCEPT_ENTRY + id), ...[...edges.keys()].map((id) => EDGE_ENTRY + id)];
}

/** The Redis layout relies on what prepareArticle guarantees; anything else is refused before a write starts. */
function checkPrepared({ article, sentences, concepts }: PreparedArticle): void {
  checkWellFormedId('article id', article.id);
  sentences.forEach((sentence, index) => {
    if (sentence.articleId !== article.id || sentence.position !== index || sentence.key !== sentenceKey(article.id, index)) {
      throw new Error(`article "${article.id}": sentence ${index} must have position ${index} and key "${sentenceKey(article.id, index)}"`);
    }
    for (const id of [...sentence.conceptIds, ...sentence.mentions.map((m) => m.conceptId)]) {
      if (!concepts.has(id) || !sentence.conceptIds.includes(id)) {
        throw new Error(`article "${article.id}": sentence ${index} mentions concept "${id}" missing from its concepts`);
      }
    }
  });
}
