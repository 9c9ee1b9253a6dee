import type { SentenceTokens } from '../domain.js';
import type { AnswerCache, CachedSpan } from '../store/answer-cache.js';
import type { GraphStore } from '../store/store.js';
import { questionDigest } from './question.js';
import type { QaReader, ReadTimings } from './reader.js';
import { SingleFlight } from './single-flight.js';
import type { TokenizedText } from './tokenizers/tokenizer.js';

export interface AnswerRequest {
  /** Normalized question text (see normalizeQuestion); also what the reader reads. */
  question: string;
  sentenceKey: string;
  /** The corpus version the sentence was retrieved at: the cache scope, so one request reads the version once. */
  corpusVersion: string;
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
 * Answers (question, sentence) pairs: from the cache when it can, otherwise by one read over every missing
 * pair at once (the reader plans its model runs). Identical concurrent work shares one read (single flight).
 */
export class AnswerService {
  readonly timings = emptyTimings();
  private readonly flights = new SingleFlight<(CachedSpan | null)[]>();

  constructor(
    private readonly store: GraphStore,
    readonly reader: QaReader,
    readonly cache: AnswerCache,
    private readonly observer?: AnswerObserver,
  ) {}

  /** Cache scope: answers of another corpus version or another model are never reused. */
  scope({ question, corpusVersion }: AnswerRequest): string {
    return `${corpusVersion}:${this.reader.fingerprint}:${questionDigest(question)}`;
  }

  async answer(requests: readonly AnswerRequest[]): Promise<ResolvedAnswer[]> {
    let mark = performance.now();
    // One scope per distinct (version, question): an ask's 20 requests share one digest.
    const scopeOf = new Map<string, string>();
    const scopes = requests.map((r) => {
      const key = `${r.corpusVersion}\u0000${r.question}`;
      let scope = scopeOf.get(key);
      if (scope === undefined) scopeOf.set(key, (scope = this.scope(r)));
      return scope;
    });
    const cached = await this.cache.getMany(requests.map((r, i) => ({ scope: scopes[i], sentenceKey: r.sentenceKey })));
    this.timings.cacheMs += performance.now() - mark;
    const results: ResolvedAnswer[] = cached.map((span) => ({ span, cached: span !== null }));
    const misses = requests.map((_, i) => i).filter((i) => cached[i] === null);
    this.observer?.onCacheLookup(requests.length - misses.length, misses.length);
    if (misses.length === 0) return results;

    const flightKey = misses.map((i) => `${scopes[i]}|${requests[i].sentenceKey}`).sort().join('\n');
    const spans = await this.flights.run(flightKey, () => this.read(misses.map((i) => requests[i]), misses.map((i) => scopes[i])));
    misses.forEach((index, j) => (results[index] = { span: spans[j], cached: false }));
    return results;
  }

  private async read(requests: readonly AnswerRequest[], scopes: readonly string[]): Promise<(CachedSpan | null)[]> {
    let mark = performance.now();
    const keys = requests.map((r) => r.sentenceKey);
    const sentenceTokens = await this.sentenceTokens(keys);
    this.timings.fetchMs += performance.now() - mark;

    mark = performance.now();
    const questionTokens = new Map<string, TokenizedText>();
    for (const { question } of requests) {
      if (!questionTokens.has(question)) questionTokens.set(question, this.reader.tokenizer.tokenize(question));
    }
    this.timings.tokenizeMs += performance.now() - mark;

    const readable = requests.map((_, i) => i).filter((i) => sentenceTokens[i] && sentenceTokens[i]!.ids.length > 0);
    const inferStarted = performance.now();
    const spans = await this.reader.read(
      readable.map((i) => ({ question: questionTokens.get(requests[i].question)!, sentence: sentenceTokens[i]! })),
      this.timings,
    );
    this.observer?.onRead(readable.length, (performance.now() - inferStarted) / 1000);
    this.timings.reads++;
    this.timings.rowsRead += readable.length;
    const results: (CachedSpan | null)[] = requests.map(() => null);
    readable.forEach((i, j) => (results[i] = spans[j]));

    mark = performance.now();
    await this.cache.setMany(
      readable.flatMap((i) => (results[i] ? [[{ scope: scopes[i], sentenceKey: keys[i] }, results[i]!] as const] : [])),
    );
    this.timings.cacheMs += performance.now() - mark;
    return results;
  }

  /** Stored tokens when this tokenizer made them; otherwise tokenized now and written back for next time. */
  private async sentenceTokens(keys: readonly string[]): Promise<(TokenizedText | null)[]> {
    const { tokenizer } = this.reader;
    const [stored, sentences] = await Promise.all([this.store.getSentenceTokens(keys), this.store.getSentences(keys)]);
    const fresh: [string, SentenceTokens][] = [];
    const tokens = keys.map((key, i) => {
      const current = stored[i];
      if (current?.fingerprint === tokenizer.fingerprint) return current;
      const sentence = sentences[i];
      if (!sentence) return null;
      const made = { fingerprint: tokenizer.fingerprint, ...tokenizer.tokenize(sentence.text) };
      fresh.push([key, made]);
      return made;
    });
    if (fresh.length > 0) await this.store.putSentenceTokens(fresh);
    return tokens;
  }
}
