import { sentenceKey, type EdgeKey } from '../../domain.js';

/**
 * Version of the key names below, kept in `NS:{corpus}:layout`. 1: ids went into keys as they are (edge keys held
 * a NUL byte, keyphrase ids spaces); 2: every id is escaped to printable ASCII (`keyPart`).
 */
export const LAYOUT_VERSION = 2;

/** Printable ASCII that shells, `xargs` and SCAN patterns all take literally; anything else is escaped. */
const ESCAPED = /[^A-Za-z0-9._:~@+=/-]+/g;

/**
 * An id as it appears in a key: the UTF-8 bytes of every other character as `%XX` (so `decodeURIComponent` reads it
 * back). Braces, spaces, quotes, `*`, `,` and control characters never reach a key, so no id can end a hashtag early,
 * split a key in `xargs`, or act as a glob.
 */
export function keyPart(id: string): string {
  return id.replace(ESCAPED, (run) => [...Buffer.from(run)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** The hashtag body of an edge: its two concept ids, escaped, joined by a comma (which `keyPart` always escapes). */
export function edgeTagBody(edge: EdgeKey): string {
  return `${keyPart(edge.source)},${keyPart(edge.target)}`;
}

/**
 * Every Redis key kgqa uses (docs/redis-keys.md describes each). The part in braces is the cluster hashtag:
 * an article's keys share `{a:<id>}`, a concept's `{c:<id>}`, an edge's `{e:<source>,<target>}`, so each group sits
 * in one slot, where a Lua script can change it atomically.
 */
export class KeyLayout {
  constructor(readonly namespace: string) {
    // A brace in the namespace would become the hashtag and put every key in one slot.
    if (!/^[\w.-]+$/.test(namespace)) throw new Error(`Redis namespace "${namespace}" must be letters, digits, "_", "." or "-"`);
  }

  article(articleId: string) {
    const tag = `${this.namespace}:{a:${keyPart(articleId)}}`;
    return {
      record: `${tag}:article`,
      sentences: `${tag}:sentences`,
      tokens: `${tag}:tokens`,
      terms: `${tag}:terms`,
      journal: `${tag}:journal`,
      lease: `${tag}:lease`,
      // Same hashtag, but the key starts with "answers:" so that one SCAN pattern finds every answer and nothing else.
      answers: (scope: string) => `${this.namespace}:answers:{a:${keyPart(articleId)}}:${keyPart(scope)}`,
    };
  }

  concept(conceptId: string) {
    const tag = `${this.namespace}:{c:${keyPart(conceptId)}}`;
    return {
      record: `${tag}:concept`,
      sentences: `${tag}:sentences`,
      articles: `${tag}:articles`,
      edges: `${tag}:edges`,
    };
  }

  edge(edge: EdgeKey) {
    const tag = `${this.namespace}:{e:${edgeTagBody(edge)}}`;
    return { record: `${tag}:edge`, sentences: `${tag}:sentences`, articles: `${tag}:articles` };
  }

  /** A term of the text index (letters and digits, `indexTerms`; escaped like ids, as letters may be non-ASCII). */
  term(term: string) {
    const tag = `${this.namespace}:{t:${keyPart(term)}}`;
    return { postings: `${tag}:postings`, articles: `${tag}:articles` };
  }

  get corpus() {
    const tag = `${this.namespace}:{corpus}`;
    return {
      layout: `${tag}:layout`,
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

  /** SCAN pattern of every key of the namespace (the namespace holds no glob characters, see the constructor). */
  get pattern(): string {
    return `${this.namespace}:*`;
  }

  /** SCAN pattern of every cached answer. */
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
