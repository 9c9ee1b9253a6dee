import type {
  ArticleRecord,
  ConceptOrigin,
  ConceptRecord,
  EdgeKey,
  EdgeRecord,
  ScoredSentenceKey,
  SentenceRecord,
  SentenceTokens,
  StoreStats,
} from '../domain.js';
import { edgeId } from '../domain.js';
import { sentenceEdges } from './cooccurrence.js';
import { readSnapshot, writeSnapshot, type Snapshot } from './snapshot.js';
import type { GraphStore, LexiconEntry, Page, PreparedArticle, RankedPage, WriteOutcome } from './store.js';

interface ConceptMeta {
  name: string;
  origin: ConceptOrigin;
  surfaceForms: Set<string>;
}

interface ConceptState {
  rank: number;
  sentenceKeys: Set<string>;
  edgeIds: Set<string>;
  rankedEdges: EdgeState[] | null;
}

interface EdgeState {
  key: EdgeKey;
  rank: number;
  yearCounts: Map<number, number>;
  sentenceScores: Map<string, number>;
  rankedSentences: ScoredSentenceKey[] | null;
}

export interface MemoryStoreOptions {
  /** Folder of the snapshot; without it the store lives only as long as the process. */
  dataDir?: string;
}

/** The embedded store: plain maps, indexes kept sorted lazily, a JSON snapshot on flush. */
export class MemoryStore implements GraphStore {
  readonly kind = 'memory';
  private readonly articles = new Map<string, ArticleRecord>();
  private readonly articleSentenceKeys = new Map<string, string[]>();
  private readonly sentences = new Map<string, SentenceRecord>();
  private readonly tokens = new Map<string, SentenceTokens>();
  private readonly conceptMeta = new Map<string, ConceptMeta>();
  private readonly conceptStates = new Map<string, ConceptState>();
  private readonly edges = new Map<string, EdgeState>();
  private version = 0;
  private dirty = false;

  private constructor(private readonly options: MemoryStoreOptions) {}

  static async open(options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    const store = new MemoryStore(options);
    if (options.dataDir) {
      const snapshot = await readSnapshot(options.dataDir);
      if (snapshot) store.restore(snapshot);
    }
    return store;
  }

  async getArticles(ids: readonly string[]): Promise<(ArticleRecord | null)[]> {
    return ids.map((id) => this.articles.get(id) ?? null);
  }

  async getSentences(keys: readonly string[]): Promise<(SentenceRecord | null)[]> {
    return keys.map((key) => this.sentences.get(key) ?? null);
  }

  async getSentenceTokens(keys: readonly string[]): Promise<(SentenceTokens | null)[]> {
    return keys.map((key) => this.tokens.get(key) ?? null);
  }

  async putSentenceTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void> {
    for (const [key, tokens] of entries) {
      if (!this.sentences.has(key)) continue;
      this.tokens.set(key, tokens);
      this.dirty = true;
    }
  }

  async getConcepts(ids: readonly string[]): Promise<(ConceptRecord | null)[]> {
    return ids.map((id) => this.conceptRecord(id));
  }

  async getEdges(keys: readonly EdgeKey[]): Promise<(EdgeRecord | null)[]> {
    return keys.map((key) => {
      const state = this.edges.get(edgeId(key));
      return state ? edgeRecord(state) : null;
    });
  }

  async edgeSentences(requests: readonly { edge: EdgeKey; limit: number }[]): Promise<ScoredSentenceKey[][]> {
    return requests.map(({ edge, limit }) => {
      const state = this.edges.get(edgeId(edge));
      return state ? rankedSentences(state).slice(0, limit) : [];
    });
  }

  async conceptEdges(requests: readonly { conceptId: string; page: Page }[]): Promise<RankedPage<EdgeRecord>[]> {
    return requests.map(({ conceptId, page }) => {
      const state = this.conceptStates.get(conceptId);
      if (!state) return { total: 0, items: [] };
      const ranked = this.rankedEdges(conceptId, state);
      return { total: ranked.length, items: ranked.slice(page.offset, page.offset + page.limit).map(edgeRecord) };
    });
  }

  async conceptSentences(requests: readonly { conceptId: string; limit: number }[]): Promise<string[][]> {
    return requests.map(({ conceptId, limit }) => {
      const keys = this.conceptStates.get(conceptId)?.sentenceKeys;
      return keys ? [...keys].sort(compareStrings).slice(0, limit) : [];
    });
  }

  async articleSentences(requests: readonly { articleId: string; page: Page }[]): Promise<RankedPage<string>[]> {
    return requests.map(({ articleId, page }) => {
      const keys = this.articleSentenceKeys.get(articleId) ?? [];
      return { total: keys.length, items: keys.slice(page.offset, page.offset + page.limit) };
    });
  }

  async lexicon(): Promise<LexiconEntry[]> {
    return [...this.conceptStates.keys()].map((id) => {
      const meta = this.conceptMeta.get(id)!;
      return { id, name: meta.name, origin: meta.origin, forms: [...meta.surfaceForms] };
    });
  }

  async corpusVersion(): Promise<string> {
    return String(this.version);
  }

  async stats(): Promise<StoreStats> {
    return {
      articles: this.articles.size,
      sentences: this.sentences.size,
      concepts: this.conceptStates.size,
      edges: this.edges.size,
    };
  }

  async articleHashes(ids: readonly string[]): Promise<(string | null)[]> {
    return ids.map((id) => this.articles.get(id)?.contentHash ?? null);
  }

  async writeArticle(prepared: PreparedArticle): Promise<WriteOutcome> {
    const previous = this.articles.get(prepared.article.id);
    if (previous?.contentHash === prepared.article.contentHash) return 'unchanged';
    // Everything below is synchronous, so no reader ever sees half an article.
    if (previous) this.removeArticle(previous);
    this.addArticle(prepared);
    this.version++;
    this.dirty = true;
    return previous ? 'replaced' : 'created';
  }

  async flush(): Promise<void> {
    if (!this.options.dataDir || !this.dirty) return;
    this.dirty = false;
    await writeSnapshot(this.options.dataDir, this.snapshot());
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private conceptRecord(id: string): ConceptRecord | null {
    const state = this.conceptStates.get(id);
    const meta = this.conceptMeta.get(id);
    if (!state || !meta) return null;
    return { id, name: meta.name, rank: state.rank, origin: meta.origin, surfaceForms: [...meta.surfaceForms] };
  }

  private rankedEdges(conceptId: string, state: ConceptState): EdgeState[] {
    if (!state.rankedEdges) {
      const other = (edge: EdgeState) => (edge.key.source === conceptId ? edge.key.target : edge.key.source);
      state.rankedEdges = [...state.edgeIds]
        .map((id) => this.edges.get(id)!)
        .sort((a, b) => b.rank - a.rank || compareStrings(other(a), other(b)));
    }
    return state.rankedEdges;
  }

  private addArticle({ article, sentences, concepts, tokens }: PreparedArticle): void {
    for (const [id, meta] of concepts) {
      const known = this.conceptMeta.get(id);
      if (known) {
        for (const form of meta.surfaceForms) known.surfaceForms.add(form);
      } else {
        this.conceptMeta.set(id, { name: meta.name, origin: meta.origin, surfaceForms: new Set(meta.surfaceForms) });
      }
    }
    this.articles.set(article.id, article);
    this.articleSentenceKeys.set(
      article.id,
      sentences.map((s) => s.key),
    );
    for (const sentence of sentences) {
      this.sentences.set(sentence.key, sentence);
      const sentenceTokens = tokens?.get(sentence.key);
      if (sentenceTokens) this.tokens.set(sentence.key, sentenceTokens);
      this.applySentence(sentence, article.year, +1);
    }
  }

  private removeArticle(article: ArticleRecord): void {
    for (const key of this.articleSentenceKeys.get(article.id) ?? []) {
      const sentence = this.sentences.get(key);
      if (!sentence) continue;
      this.applySentence(sentence, article.year, -1);
      this.sentences.delete(key);
      this.tokens.delete(key);
    }
    this.articleSentenceKeys.delete(article.id);
    this.articles.delete(article.id);
  }

  private applySentence(sentence: SentenceRecord, year: number | null, delta: 1 | -1): void {
    for (const conceptId of sentence.conceptIds) {
      const state = this.conceptStates.get(conceptId) ?? {
        rank: 0,
        sentenceKeys: new Set<string>(),
        edgeIds: new Set<string>(),
        rankedEdges: null,
      };
      state.rank += delta;
      if (delta > 0) state.sentenceKeys.add(sentence.key);
      else state.sentenceKeys.delete(sentence.key);
      if (state.rank <= 0) this.conceptStates.delete(conceptId);
      else this.conceptStates.set(conceptId, state);
    }
    for (const { edge, score } of sentenceEdges(sentence)) {
      const id = edgeId(edge);
      let state = this.edges.get(id);
      if (!state) {
        state = { key: edge, rank: 0, yearCounts: new Map(), sentenceScores: new Map(), rankedSentences: null };
        this.edges.set(id, state);
      }
      state.rank += delta;
      state.rankedSentences = null;
      if (delta > 0) state.sentenceScores.set(sentence.key, score);
      else state.sentenceScores.delete(sentence.key);
      if (year !== null) {
        const count = (state.yearCounts.get(year) ?? 0) + delta;
        if (count > 0) state.yearCounts.set(year, count);
        else state.yearCounts.delete(year);
      }
      for (const conceptId of [edge.source, edge.target]) {
        const concept = this.conceptStates.get(conceptId);
        if (!concept) continue;
        concept.rankedEdges = null;
        if (state.rank > 0) concept.edgeIds.add(id);
        else concept.edgeIds.delete(id);
      }
      if (state.rank <= 0) this.edges.delete(id);
    }
  }

  private snapshot(): Snapshot {
    return {
      articles: [...this.articles.values()],
      sentences: [...this.articleSentenceKeys.values()].flat().map((key) => this.sentences.get(key)!),
      concepts: [...this.conceptMeta].map(([id, meta]) => ({
        id,
        name: meta.name,
        origin: meta.origin,
        surfaceForms: [...meta.surfaceForms],
      })),
      tokens: [...this.tokens],
    };
  }

  private restore(snapshot: Snapshot): void {
    const byArticle = new Map<string, SentenceRecord[]>();
    for (const sentence of snapshot.sentences) {
      const list = byArticle.get(sentence.articleId) ?? [];
      list.push(sentence);
      byArticle.set(sentence.articleId, list);
    }
    const tokens = new Map(snapshot.tokens);
    for (const concept of snapshot.concepts) {
      this.conceptMeta.set(concept.id, {
        name: concept.name,
        origin: concept.origin,
        surfaceForms: new Set(concept.surfaceForms),
      });
    }
    for (const article of snapshot.articles) {
      this.addArticle({ article, sentences: byArticle.get(article.id) ?? [], concepts: new Map(), tokens });
    }
    this.version++;
  }
}

function edgeRecord(state: EdgeState): EdgeRecord {
  return {
    source: state.key.source,
    target: state.key.target,
    rank: state.rank,
    years: [...state.yearCounts.keys()].sort((a, b) => a - b),
  };
}

function rankedSentences(state: EdgeState): ScoredSentenceKey[] {
  if (!state.rankedSentences) {
    state.rankedSentences = [...state.sentenceScores]
      .map(([key, score]) => ({ key, score }))
      .sort((a, b) => b.score - a.score || compareStrings(a.key, b.key));
  }
  return state.rankedSentences;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
