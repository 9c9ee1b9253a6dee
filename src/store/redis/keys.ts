import { edgeId, sentenceKey, type EdgeKey } from '../../domain.js';

/**
 * Every Redis key kgqa uses (docs/redis-keys.md describes each). The part in braces is the cluster hashtag:
 * an article's keys share `{a:<id>}`, a concept's `{c:<id>}`, an edge's `{e:<edgeId>}`, so each group sits
 * in one slot, where a Lua script can change it atomically.
 */
export class KeyLayout {
  constructor(readonly namespace: string) {
    // A brace in the namespace would become the hashtag and put every key in one slot.
    if (!/^[\w.-]+$/.test(namespace)) throw new Error(`Redis namespace "${namespace}" must be letters, digits, "_", "." or "-"`);
  }

  article(articleId: string) {
    const tag = `${this.namespace}:{a:${articleId}}`;
    return {
      record: `${tag}:article`,
      sentences: `${tag}:sentences`,
      tokens: `${tag}:tokens`,
      terms: `${tag}:terms`,
      journal: `${tag}:journal`,
      lease: `${tag}:lease`,
      // Same hashtag, but the key starts with "answers:" so that one SCAN pattern finds every answer and nothing else.
      answers: (scope: string) => `${this.namespace}:answers:{a:${articleId}}:${scope}`,
    };
  }

  concept(conceptId: string) {
    const tag = `${this.namespace}:{c:${conceptId}}`;
    return {
      record: `${tag}:concept`,
      sentences: `${tag}:sentences`,
      articles: `${tag}:articles`,
      edges: `${tag}:edges`,
    };
  }

  edge(edge: EdgeKey) {
    const tag = `${this.namespace}:{e:${edgeId(edge)}}`;
    return { record: `${tag}:edge`, sentences: `${tag}:sentences`, articles: `${tag}:articles` };
  }

  /** A term of the text index; terms are letters and digits (indexTerms), so never a brace. */
  term(term: string) {
    const tag = `${this.namespace}:{t:${term}}`;
    return { postings: `${tag}:postings`, articles: `${tag}:articles` };
  }

  get corpus() {
    const tag = `${this.namespace}:{corpus}`;
    return {
      version: `${tag}:version`,
      lexiconVersion: `${tag}:lexicon-version`,
      articles: `${tag}:articles`,
      sentences: `${tag}:sentences`,
      articleTerms: `${tag}:article-terms`,
      terms: `${tag}:terms`,
      concepts: `${tag}:concepts`,
      edgeEnds: `${tag}:edge-ends`,
    };
  }

  /** SCAN pattern of every cached answer (the namespace holds no glob characters, see the constructor). */
  get answersPattern(): string {
    return `${this.namespace}:answers:*`;
  }
}

/** The inverse of `edgeId` (concept ids never contain its NUL separator). */
export function parseEdgeId(id: string): EdgeKey {
  const separator = id.indexOf('\u0000');
  return { source: id.slice(0, separator), target: id.slice(separator + 1) };
}

/** What every sentence key of an article starts with; Lua scripts append positions to it. */
export function sentenceKeyPrefix(articleId: string): string {
  const first = sentenceKey(articleId, 0);
  return first.slice(0, first.length - 1);
}
