import type { PassageRecord, SentenceRecord, SentenceTokens } from '../domain.js';
import type { AnswerCache, AnswerCacheKey, CachedSpan } from '../store/answer-cache.js';
import type { GraphStore } from '../store/store.js';
import { joinPassageTokens, storedSentenceTokens, storedTokensKey } from './passage-tokens.js';
import { questionDigest, textDigest } from './question.js';
import type { QaReader, ReadTimings } from './reader.js';
import type { SlidingWindow } from '../sliding-window.js';
import { ClientLimited } from './admission.js';
import { SingleFlight } from './single-flight.js';
import type { TokenizedText } from './tokenizers/tokenizer.js';

export interface AnswerRequest {
  /** Normalized question text (see normalizeQuestion); also what the reader reads. */
  question: string;
  passage: PassageRecord;
}

export interface ResolvedAnswer {
  span: CachedSpan | null;
  cached: boolean;
}

/** Cumulative milliseconds per pipeline stage, for benchmarks and metrics. */
export interface PipelineTimings extends ReadTimings {
  cacheMs: number;
  fetchMs: number;
  tokenizeMs: number;
  reads: number;
  rowsRead: number;
}

/** Told about cache lookups and reads by the model, e.g. to export them as metrics. */
export interface AnswerObserver {
  onCacheLookup(hits: number, misses: number): void;
  /** One reader call: the rows it read and its time, over however many model runs it planned. */
  onRead(rows: number, seconds: number): void;
}

export function emptyTimings(): PipelineTimings {
  return { cacheMs: 0, fetchMs: 0, tokenizeMs: 0, assembleMs: 0, inferMs: 0, selectMs: 0, reads: 0, rowsRead: 0 };
}

/**
 * Answers (question, passage) pairs: from the cache when it can, otherwise by one read over every missing
 * pair at once (the reader plans its model runs). Identical concurrent work shares one read (single flight).
 * A passage is read as its sentences' stored tokens laid end to end, so nothing is tokenized again.
 */
export class AnswerService {
  readonly timings = emptyTimings();
  private readonly flights = new SingleFlight<(CachedSpan | null)[]>();
  /**
   * Passages come from the retrieval memo, the same objects ask after ask: hashing their text once, not on every
   * cached ask (20 SHA-256 digests of ~700 characters were ~2% of a cached ask's CPU).
   */
  private readonly digests = new WeakMap<PassageRecord, string>();

  constructor(
    private readonly store: GraphStore,
    readonly reader: QaReader,
    readonly cache: AnswerCache,
    private readonly observer?: AnswerObserver,
    /** Asks that need the model, per client (API key or address); unlimited when absent. */
    private readonly clientAsks?: SlidingWindow,
  ) {}

  /** Cache scope: answers of another model are never reused. */
  scope({ question }: Pick<AnswerRequest, 'question'>): string {
    return `${this.reader.fingerprint}:${questionDigest(question)}`;
  }

  private digestOf(passage: PassageRecord): string {
    let digest = this.digests.get(passage);
    if (digest === undefined) this.digests.set(passage, (digest = textDigest(passage.text)));
    return digest;
  }

  /** `client` names who asks, for the limit of asks that need the model; cached answers are never limited. */
  async answer(requests: readonly AnswerRequest[], client?: string): Promise<ResolvedAnswer[]> {
    let mark = performance.now();
    // One scope per distinct question: an ask's 20 requests share one digest.
    const scopeOf = new Map<string, string>();
    const scopes = requests.map((r) => {
      let scope = scopeOf.get(r.question);
      if (scope === undefined) scopeOf.set(r.question, (scope = this.scope(r)));
      return scope;
    });
    const keys = requests.map((r, i) => ({ scope: scopes[i], passageKey: r.passage.key, textDigest: this.digestOf(r.passage) }));
    const cached = await this.cache.getMany(keys);
    this.timings.cacheMs += performance.now() - mark;
    const results: ResolvedAnswer[] = cached.map((span) => ({ span, cached: span !== null }));
    const misses = requests.map((_, i) => i).filter((i) => cached[i] === null);
    this.observer?.onCacheLookup(requests.length - misses.length, misses.length);
    if (misses.length === 0) return results;
    const waitMs = client && this.clientAsks ? this.clientAsks.take(client) : 0;
    if (waitMs > 0) {
      throw new ClientLimited(`this client has asked ${this.clientAsks!.limit} questions the model had to read within ${this.clientAsks!.windowMs / 1000} s`, waitMs);
    }

    const flightKey = misses.map((i) => `${scopes[i]}|${requests[i].passage.key}|${keys[i].textDigest}`).sort().join('\n');
    const spans = await this.flights.run(flightKey, () => this.read(misses.map((i) => requests[i]), misses.map((i) => keys[i])));
    misses.forEach((index, j) => (results[index] = { span: spans[j], cached: false }));
    return results;
  }

  private async read(requests: readonly AnswerRequest[], keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]> {
    let mark = performance.now();
    const passageTokens = await this.passageTokens(requests.map((r) => r.passage));
    this.timings.fetchMs += performance.now() - mark;

    mark = performance.now();
    const questionTokens = new Map<string, TokenizedText>();
    for (const { question } of requests) {
      if (!questionTokens.has(question)) questionTokens.set(question, this.reader.tokenizer.tokenize(question));
    }
    this.timings.tokenizeMs += performance.now() - mark;

    const readable = requests.map((_, i) => i).filter((i) => passageTokens[i] && passageTokens[i]!.ids.length > 0);
    const inferStarted = performance.now();
    const spans = await this.reader.read(
      readable.map((i) => ({ question: questionTokens.get(requests[i].question)!, sentence: passageTokens[i]! })),
      this.timings,
    );
    this.observer?.onRead(readable.length, (performance.now() - inferStarted) / 1000);
    this.timings.reads++;
    this.timings.rowsRead += readable.length;
    const results: (CachedSpan | null)[] = requests.map(() => null);
    readable.forEach((i, j) => (results[i] = spans[j]));

    mark = performance.now();
    await this.cache.setMany(
      readable.flatMap((i) => (results[i] ? [[keys[i], results[i]!] as const] : [])),
    );
    this.timings.cacheMs += performance.now() - mark;
    return results;
  }

  /** Each passage's tokens from its sentences' stored tokens (see joinPassageTokens); null when a sentence is gone (the corpus changed since retrieval). */
  private async passageTokens(passages: readonly PassageRecord[]): Promise<(TokenizedText | null)[]> {
    const sentences = [...new Map(passages.flatMap((p) => p.sentences).map((s) => [s.key, s])).values()];
    const tokens = await this.sentenceTokens(sentences);
    const bySentence = new Map(sentences.map((s, i) => [s.key, tokens[i]]));
    return passages.map((passage) => joinPassageTokens(this.reader.tokenizer, passage, (i) => bySentence.get(passage.sentences[i].key)));
  }

  /** Stored tokens when this tokenizer made them; otherwise tokenized now and written back for next time. */
  private async sentenceTokens(sentences: readonly SentenceRecord[]): Promise<TokenizedText[]> {
    const { tokenizer } = this.reader;
    const key = storedTokensKey(tokenizer);
    const stored = await this.store.getSentenceTokens(sentences.map((s) => s.key));
    const fresh: [string, SentenceTokens][] = [];
    const tokens = sentences.map((sentence, i) => {
      const current = stored[i];
      if (current?.fingerprint === key) return current;
      const made = { fingerprint: key, ...storedSentenceTokens(tokenizer, sentence) };
      fresh.push([sentence.key, made]);
      return made;
    });
    // Not awaited: the write-back saves the next request's tokenizing; it must not wait behind an ingest's writes,
    // and a store that refuses it (read-only) still answers.
    if (fresh.length > 0) this.store.putSentenceTokens(fresh).catch(() => undefined);
    return tokens;
  }
}
