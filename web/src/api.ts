/**
 * The page's only way to the server: POST to the public GraphQL endpoint next to the page.
 * Every failure becomes an ApiError whose `kind` tells the page which state to show.
 */

export interface Concept {
  id: string;
  name: string;
  rank: number;
}

export interface Edge {
  source: Concept;
  target: Concept;
  rank: number;
  weight: number;
  years: number[];
}

export interface Article {
  id: string;
  title: string;
  year: number | null;
}

export interface Mention {
  concept: { id: string };
  start: number;
  end: number;
}

export interface Sentence {
  key: string;
  text: string;
  position: number;
  article: Article;
  concepts: { id: string }[];
  mentions: Mention[];
}

/** Adjacent sentences of one article read as one text: the sentences joined by a space. */
export interface Passage {
  key: string;
  text: string;
  article: Article;
  sentences: Sentence[];
}

export interface Answer {
  text: string;
  score: number;
  /** Offsets in the passage text. */
  start: number;
  end: number;
  cached: boolean;
  passage: Passage;
  /** The answer in each sentence it spans, with offsets in that sentence's text. */
  spans: { start: number; end: number; sentence: { key: string } }[];
  edge: Edge | null;
}

export interface AskResult {
  question: string;
  concepts: Concept[];
  candidates: { key: string }[];
  answers: Answer[];
  /** The model can say "no answer" and said it of every passage read. */
  noAnswer: boolean;
  tookMs: number;
}

export interface SearchResult {
  concepts: Concept[];
  links: Edge[];
  years: number[];
}

export interface ModelInfo {
  /** A Hub id or the model folder's name. */
  name: string;
  variant: string;
  meaningful: boolean;
  noAnswer: boolean;
  generated: boolean;
  description: string;
}

export interface Stats {
  articles: number;
  sentences: number;
  concepts: number;
  edges: number;
}

/** unreachable: no HTTP answer at all; http: an answer that is not GraphQL; graphql: the API refused the request. */
export type ApiErrorKind = 'unreachable' | 'timeout' | 'http' | 'graphql';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** `extensions.code` of the first GraphQL error, e.g. BAD_USER_INPUT or MODEL_UNAVAILABLE. */
    readonly code?: string,
  ) {
    super(message);
  }
}

const ENDPOINT = new URL('graphql', document.baseURI).toString();
const TIMEOUT_MS = 60_000;

export function endpointUrl(): string {
  return ENDPOINT;
}

async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
  } catch (error) {
    if (abort.signal.aborted) throw new ApiError('timeout', `the server did not answer within ${TIMEOUT_MS / 1000} s`);
    throw new ApiError('unreachable', `cannot reach the kgqa server at ${ENDPOINT}`);
  } finally {
    clearTimeout(timer);
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError('http', `the server answered HTTP ${response.status} ${response.statusText} instead of GraphQL`);
  }
  if (body.errors && body.errors.length > 0) {
    const [first] = body.errors;
    throw new ApiError('graphql', first.message, first.extensions?.code);
  }
  if (!body.data) throw new ApiError('http', `the server answered HTTP ${response.status} without data`);
  return body.data;
}

const CONCEPT = 'id name rank';
const EDGE = `source { ${CONCEPT} } target { ${CONCEPT} } rank weight years`;
const SENTENCE = 'key text position article { id title year } concepts { id } mentions { concept { id } start end }';

export async function fetchOverview(): Promise<{ stats: Stats; model: ModelInfo | null }> {
  return request('{ stats { articles sentences concepts edges } model { name variant meaningful noAnswer generated description } }');
}

/** The server takes at most 200 excluded concepts (MAX_EXCLUDED_CONCEPTS); the page hides the rest itself. */
const MAX_EXCLUDED = 200;

export async function ask(question: string, years: number[] | null, exclude: string[], limit = 5): Promise<AskResult> {
  const data = await request<{ ask: AskResult }>(
    `query Ask($question: String!, $years: [Int!], $exclude: [ID!], $limit: Int) {
      ask(question: $question, years: $years, exclude: $exclude, limit: $limit) {
        question tookMs noAnswer
        concepts { ${CONCEPT} }
        candidates { key }
        answers {
          text score start end cached edge { ${EDGE} }
          passage { key text article { id title year } sentences { ${SENTENCE} } }
          spans { start end sentence { key } }
        }
      }
    }`,
    { question, years, exclude: exclude.slice(0, MAX_EXCLUDED), limit },
  );
  return data.ask;
}

export async function search(text: string, years: number[] | null, exclude: string[], limit = 40): Promise<SearchResult> {
  const data = await request<{ search: SearchResult }>(
    `query Search($text: String!, $years: [Int!], $exclude: [ID!], $limit: Int) {
      search(text: $text, years: $years, exclude: $exclude, limit: $limit) { years concepts { ${CONCEPT} } links { ${EDGE} } }
    }`,
    { text, years, exclude: exclude.slice(0, MAX_EXCLUDED), limit },
  );
  return data.search;
}

export async function conceptNeighbours(id: string, exclude: string[], first = 12): Promise<{ concept: Concept; edges: Edge[]; totalCount: number } | null> {
  const data = await request<{
    concept: (Concept & { edges: { totalCount: number; edges: { node: Edge }[] } }) | null;
  }>(
    `query Neighbours($id: ID!, $exclude: [ID!], $first: Int) {
      concept(id: $id) { ${CONCEPT} edges(first: $first, exclude: $exclude) { totalCount edges { node { ${EDGE} } } } }
    }`,
    { id, exclude: exclude.slice(0, MAX_EXCLUDED), first },
  );
  if (!data.concept) return null;
  const { edges, ...concept } = data.concept;
  return { concept, edges: edges.edges.map((e) => e.node), totalCount: edges.totalCount };
}

export async function edgeSentences(source: string, target: string, first = 20): Promise<(Edge & { sentences: Sentence[] }) | null> {
  const data = await request<{ edge: (Edge & { sentences: Sentence[] }) | null }>(
    `query Link($source: ID!, $target: ID!, $first: Int) {
      edge(source: $source, target: $target) { ${EDGE} sentences(first: $first) { ${SENTENCE} } }
    }`,
    { source, target, first },
  );
  return data.edge;
}
