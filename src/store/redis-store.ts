import {
  canonicalEdge,
  parseSentenceKey,
  sentenceKey,
  type ArticleRecord,
  type ConceptRecord,
  type EdgeKey,
  type EdgeRecord,
  type ScoredSentenceKey,
  type SentenceRecord,
  type SentenceTokens,
  type StoreStats,
} from '../domain.js';
import { deleteArticle, writeArticle, type ArticleWriterOptions } from './redis/article-writer.js';
import { RedisConnection, type ConnectionOptions, type RedisReply } from './redis/connection.js';
import { KeyLayout, LAYOUT_VERSION } from './redis/keys.js';
import { decodeArticle, decodeSentence, decodeTokens, encodeTokens, hashFields, scoredMembers } from './redis/records.js';
import { PUT_TOKENS, STORE_SCRIPTS } from './redis/scripts.js';
import { DEFAULT_NAMESPACE, parseRedisUrl } from './redis/url.js';
import { checkLayout, migrateLayout } from './redis/layout.js';
import { articleOverLimits, type ArticleLimits, type GraphStore, type LexiconEntry, type Page, type PreparedArticle, type RankedPage, type WriteOutcome } from './store.js';
import type { TermPostings, TextIndexStats } from './text-index.js';
import { splitTerms } from '../text/index-terms.js';

export interface RedisStoreOptions extends ConnectionOptions {
  /** Overrides the URL's `?namespace=`. */
  namespace?: string;
  /** See ArticleWriterOptions.leaseMs; 30 s by default. */
  articleLeaseMs?: number;
  /** See GraphStore.articleLimits; DEFAULT_ARTICLE_LIMITS by default. */
  articleLimits?: ArticleLimits;
  /** See ArticleWriterOptions.beforeGraphCommand (tests only). */
  beforeGraphCommand?: (issued: number) => void;
}

const DEFAULT_ARTICLE_LEASE_MS = 30_000;
/**
 * An article is written by scripts whose run time grows with its sentences and their text, and Redis serves no other
 * client while one runs: within these, the longest stays near 25 ms on a busy 2-core machine, half the 50 ms we allow
 * (docs/benchmarks.md, "One large document").
 */
export const DEFAULT_ARTICLE_LIMITS: ArticleLimits = { sentences: 5_000, characters: 1_000_000 };

/**
 * The graph in Redis or a Redis Cluster (key layout: docs/redis-keys.md). Every batch read sends all its
 * commands in one tick, so node-redis writes them to each shard at once: one round trip per shard per batch.
 * Keys sharing a hashtag are read with one command (HMGET of an article's sentences).
 */
export class RedisStore implements GraphStore {
  readonly kind: string;

  private constructor(
    readonly connection: RedisConnection,
    readonly keys: KeyLayout,
    private readonly writer: ArticleWriterOptions,
    readonly articleLimits: ArticleLimits,
  ) {
    this.kind = connection.target.kind === 'cluster' ? 'redis-cluster' : 'redis';
  }

  /** Opens the namespace; one in an older key layout is refused with the command that migrates it (`migrate`). */
  static async open(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const { connection, keys, display } = await connect(url, options);
    await Promise.all([connection.preload(STORE_SCRIPTS), checkLayout(connection, keys, display)]).catch(async (error) => {
      await connection.close();
      throw error;
    });
    return new RedisStore(connection, keys, {
      connection,
      keys,
      leaseMs: options.articleLeaseMs ?? DEFAULT_ARTICLE_LEASE_MS,
      beforeGraphCommand: options.beforeGraphCommand,
    }, options.articleLimits ?? DEFAULT_ARTICLE_LIMITS);
  }

  async getArticles(ids: readonly string[]): Promise<(ArticleRecord | null)[]> {
    const replies = await Promise.all(ids.map((id) => this.send(this.keys.article(id).record, 'HGETALL')));
    return replies.map((reply, i) => decodeArticle(ids[i], reply));
  }

  async getSentences(keys: readonly string[]): Promise<(SentenceRecord | null)[]> {
    const values = await this.articleFields(keys, (articleId) => this.keys.article(articleId).sentences);
    return values.map((value, i) => {
      const parsed = parseSentenceKey(keys[i]);
      return value === null || !parsed ? null : decodeSentence(parsed.articleId, parsed.position, value);
    });
  }

  async getSentenceTokens(keys: readonly string[]): Promise<(SentenceTokens | null)[]> {
    const values = await this.articleFields(keys, (articleId) => this.keys.article(articleId).tokens);
    return values.map((value) => (value === null ? null : decodeTokens(value)));
  }

  async putSentenceTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void> {
    const byArticle = new Map<string, (string | number)[]>();
    for (const [key, tokens] of entries) {
      const parsed = parseSentenceKey(key);
      if (!parsed) continue;
      const pairs = byArticle.get(parsed.articleId) ?? [];
      pairs.push(parsed.position, encodeTokens(tokens));
      byArticle.set(parsed.articleId, pairs);
    }
    await Promise.all(
      [...byArticle].map(([articleId, pairs]) => {
        const { sentences, tokens } = this.keys.article(articleId);
        return this.connection.eval(PUT_TOKENS, [sentences, tokens], pairs);
      }),
    );
  }

  async getConcepts(ids: readonly string[]): Promise<(ConceptRecord | null)[]> {
    const replies = await Promise.all(ids.map((id) => this.send(this.keys.concept(id).record, 'HGETALL')));
    return replies.map((reply, i) => {
      const fields = hashFields(reply);
      const rank = Number(fields.rank ?? 0);
      if (rank <= 0 || fields.name === undefined) return null;
      return { id: ids[i], name: fields.name, rank, origin: fields.origin as ConceptRecord['origin'], surfaceForms: jsonArray(fields.forms) };
    });
  }

  async getEdges(keys: readonly EdgeKey[]): Promise<(EdgeRecord | null)[]> {
    const replies = await Promise.all(keys.map((key) => this.send(this.keys.edge(key).record, 'HGETALL')));
    return replies.map((reply, i) => {
      const fields = hashFields(reply);
      if (fields.rank === undefined) return null;
      const years = Object.keys(fields)
        .filter((field) => field.startsWith('y:'))
        .map((field) => Number(field.slice(2)))
        .sort((a, b) => a - b);
      return { source: keys[i].source, target: keys[i].target, rank: Number(fields.rank), years };
    });
  }

  async edgeSentences(requests: readonly { edge: EdgeKey; limit: number }[]): Promise<ScoredSentenceKey[][]> {
    return Promise.all(
      requests.map(async ({ edge, limit }) => {
        if (limit <= 0) return [];
        const key = this.keys.edge(edge).sentences;
        // Scores are stored negated so that ascending order is best first, ties by key.
        return scoredMembers(await this.send(key, 'ZRANGE', 0, limit - 1, 'WITHSCORES')).map(([member, score]) => ({ key: member, score: -score }));
      }),
    );
  }

  async conceptEdges(requests: readonly { conceptId: string; page: Page }[]): Promise<RankedPage<EdgeRecord>[]> {
    const pages = await Promise.all(
      requests.map(async ({ conceptId, page }) => {
        const key = this.keys.concept(conceptId).edges;
        const [total, members] = await Promise.all([
          this.send(key, 'ZCARD'),
          page.limit > 0 ? this.send(key, 'ZRANGE', page.offset, page.offset + page.limit - 1) : [],
        ]);
        return { total: total as number, edges: (members as string[]).map((other) => canonicalEdge(conceptId, other)) };
      }),
    );
    // One batch for every page's edge records, rather than one per concept.
    const records = await this.getEdges(pages.flatMap((page) => page.edges));
    let next = 0;
    return pages.map(({ total, edges }) => ({
      total,
      items: edges.map(() => records[next++]).filter((edge): edge is EdgeRecord => edge !== null),
    }));
  }

  async conceptSentences(requests: readonly { conceptId: string; limit: number }[]): Promise<string[][]> {
    return Promise.all(
      requests.map(async ({ conceptId, limit }) =>
        // Every member scores 0, so ZRANGE orders them by key.
        limit <= 0 ? [] : ((await this.send(this.keys.concept(conceptId).sentences, 'ZRANGE', 0, limit - 1)) as string[]),
      ),
    );
  }

  async articleSentences(requests: readonly { articleId: string; page: Page }[]): Promise<RankedPage<string>[]> {
    const totals = await Promise.all(requests.map(({ articleId }) => this.send(this.keys.article(articleId).sentences, 'HLEN')));
    return requests.map(({ articleId, page }, i) => {
      const total = totals[i] as number;
      const end = Math.min(total, page.offset + Math.max(0, page.limit));
      const items: string[] = [];
      for (let position = Math.max(0, page.offset); position < end; position++) items.push(sentenceKey(articleId, position));
      return { total, items };
    });
  }

  async lexicon(): Promise<LexiconEntry[]> {
    const ids = (await this.send(this.keys.corpus.concepts, 'HKEYS')) as string[];
    const concepts = await this.getConcepts(ids);
    return concepts
      .filter((concept): concept is ConceptRecord => concept !== null)
      .map(({ id, name, origin, surfaceForms }) => ({ id, name, origin, forms: surfaceForms }));
  }

  async corpusVersion(): Promise<string> {
    return ((await this.send(this.keys.corpus.version, 'GET')) as string | null) ?? '0';
  }

  async lexiconVersion(): Promise<string> {
    return ((await this.send(this.keys.corpus.lexiconVersion, 'GET')) as string | null) ?? '0';
  }

  async stats(): Promise<StoreStats> {
    const { articles, sentences, concepts, edgeEnds } = this.keys.corpus;
    const [articleCount, sentenceCount, conceptCount, ends] = await Promise.all([
      this.send(articles, 'HLEN'),
      this.send(sentences, 'GET'),
      this.send(concepts, 'HLEN'),
      this.send(edgeEnds, 'GET'),
    ]);
    // Each edge is counted once at each of its two ends.
    return { articles: articleCount as number, sentences: Number(sentenceCount ?? 0), concepts: conceptCount as number, edges: Number(ends ?? 0) / 2 };
  }

  async postings(requests: readonly { term: string; limit: number }[]): Promise<TermPostings[]> {
    return Promise.all(
      requests.map(async ({ term, limit }) => {
        const key = this.keys.term(term).postings;
        const [documentFrequency, members] = await Promise.all([
          this.send(key, 'ZCARD'),
          limit > 0 ? this.send(key, 'ZRANGE', 0, limit - 1, 'WITHSCORES') : [],
        ]);
        // Impacts are stored negated, so that ascending order is best first with ties by key.
        const postings = scoredMembers(members).map(([member, score]) => ({ key: member, impact: -score }));
        return { documentFrequency: documentFrequency as number, postings };
      }),
    );
  }

  async sentenceTerms(keys: readonly string[]): Promise<(string[] | null)[]> {
    const values = await this.articleFields(keys, (articleId) => this.keys.article(articleId).terms);
    return values.map((value) => (value === null ? null : splitTerms(value)));
  }

  async textStats(): Promise<TextIndexStats> {
    const { sentences, terms } = this.keys.corpus;
    const [sentenceCount, termCount] = await Promise.all([this.send(sentences, 'GET'), this.send(terms, 'GET')]);
    return { sentences: Number(sentenceCount ?? 0), terms: Number(termCount ?? 0) };
  }

  async articleHashes(ids: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(
      ids.map(async (id) => {
        const { record, journal } = this.keys.article(id);
        const [hash, unfinished] = await Promise.all([this.send(record, 'HGET', 'contentHash'), this.send(journal, 'EXISTS')]);
        // An unfinished write must be redone even when the document is unchanged.
        return unfinished ? null : (hash as string | null);
      }),
    );
  }

  async writeArticle(prepared: PreparedArticle): Promise<WriteOutcome> {
    // Ingest refuses such a document before preparing it; this guards every other caller.
    const { sentences } = prepared;
    const refusal = articleOverLimits(this, { sentences: sentences.length, characters: sentences.reduce((sum, sentence) => sum + sentence.text.length, 0) });
    if (refusal) throw new Error(`article "${prepared.article.id}": ${refusal}`);
    return writeArticle(this.writer, prepared);
  }

  /** One article at a time, each as crash-safe as a write (redis/article-writer.ts). */
  async deleteArticles(ids: readonly string[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const id of new Set(ids)) if (await deleteArticle(this.writer, id)) deleted.push(id);
    return deleted;
  }

  /**
   * Unlinks every key of the namespace, cached answers included; the versions then go on from where they were, and
   * the key layout is written again (a namespace with a corpus version but no layout reads as layout 1).
   */
  async drop(): Promise<void> {
    const { version, lexiconVersion, layout } = this.keys.corpus;
    const [corpusAt, lexiconAt] = await Promise.all([this.corpusVersion(), this.lexiconVersion()]);
    await this.connection.unlinkMatching(`${this.keys.namespace}:*`);
    await this.send(layout, 'SET', String(LAYOUT_VERSION));
    await Promise.all([this.send(version, 'SET', Number(corpusAt) + 1), this.send(lexiconVersion, 'SET', Number(lexiconAt) + 1)]);
  }

  /** Every write is durable when it returns (as durable as the servers' persistence settings). */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** `command key …args`: the key goes second, as in almost every Redis command. */
  private send(key: string, command: string, ...args: (string | number)[]): Promise<RedisReply> {
    return this.connection.send(key, [command, key, ...args]);
  }

  /** HMGET of the fields (sentence positions) each article hash needs: one command per article. */
  private async articleFields(sentenceKeys: readonly string[], hashKey: (articleId: string) => string): Promise<(string | null)[]> {
    const byArticle = new Map<string, { positions: number[]; indexes: number[] }>();
    sentenceKeys.forEach((key, index) => {
      const parsed = parseSentenceKey(key);
      if (!parsed) return;
      const group = byArticle.get(parsed.articleId) ?? { positions: [], indexes: [] };
      group.positions.push(parsed.position);
      group.indexes.push(index);
      byArticle.set(parsed.articleId, group);
    });
    const values: (string | null)[] = sentenceKeys.map(() => null);
    await Promise.all(
      [...byArticle].map(async ([articleId, { positions, indexes }]) => {
        const reply = (await this.send(hashKey(articleId), 'HMGET', ...positions)) as (string | null)[];
        indexes.forEach((index, i) => (values[index] = reply[i]));
      }),
    );
    return values;
  }
}

/** Moves a namespace written by an older kgqa to the current key layout (every kgqa using it must be stopped). */
export async function migrateRedisStore(url: string, options: RedisStoreOptions = {}): Promise<{ from: string; moved: number; dropped: number }> {
  const { connection, keys } = await connect(url, options);
  try {
    return await migrateLayout(connection, keys);
  } finally {
    await connection.close();
  }
}

async function connect(url: string, options: RedisStoreOptions) {
  const location = parseRedisUrl(url);
  if (!location) throw new Error(`"${url}" is not redis://host:port[/db][?namespace=NAME] or redis+cluster://host:port,…[?namespace=NAME]`);
  const keys = new KeyLayout(options.namespace ?? location.namespace);
  const connection = await RedisConnection.open(location.target, location.display, options);
  // The URL that names this namespace, for a message that tells the operator what to run.
  const display = `${location.display.replace(/\?.*$/, '')}${keys.namespace === DEFAULT_NAMESPACE ? '' : `?namespace=${keys.namespace}`}`;
  return { connection, keys, display };
}

/** cjson writes an empty Lua table as `{}`. */
function jsonArray(value: string | undefined): string[] {
  const parsed: unknown = value ? JSON.parse(value) : [];
  return Array.isArray(parsed) ? parsed : [];
}
