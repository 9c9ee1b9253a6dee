import type { Database as Connection } from 'better-sqlite3';

/**
 * The embedded store's tables. Everything a read orders by is a primary key, so every read is one index range
 * scan: ties are broken by the same keys the contract names (sentence key, other concept's id), stored as text
 * where the order needs it. Articles, sentences, concepts and edges have integer row ids that the larger tables
 * refer to, so they do not repeat long ids.
 */
export const LAYOUT_VERSION = 3;

/**
 * Retrieval reads the terms of ~1,400 sentences per question in runs of adjacent positions. In the sentence rows
 * they sit behind the text and mentions, often on overflow pages; this covering index keeps them together and cut
 * that read from 4.1 to 2.9 ms per question (COVID-QA corpus) for 120 more bytes per sentence (3% of the file).
 */
const SENTENCE_TERMS_INDEX = 'CREATE INDEX IF NOT EXISTS sentence_terms ON sentences (article, position, terms);';

/**
 * How a database of an earlier layout becomes the current one, in the writer's first transaction. Layout 2 added a
 * checksum to article and sentence rows (records.ts); rows of layout 1 keep NULL there and are served unchecked.
 * Layout 3 added SENTENCE_TERMS_INDEX.
 */
export const MIGRATIONS: Record<number, string> = {
  1: `ALTER TABLE articles ADD COLUMN checksum INTEGER;
      ALTER TABLE sentences ADD COLUMN checksum INTEGER;`,
  2: SENTENCE_TERMS_INDEX,
};

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS articles (
  id INTEGER PRIMARY KEY,
  article_id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  year INTEGER,
  sentence_count INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  checksum INTEGER
);

-- concept_ids and mentions: JSON, mentions as [conceptIndex, start, end] triples; terms: index terms joined by spaces;
-- checksum: CRC-32 of the row (records.ts), checked on every read so a damaged row is reported, never served.
CREATE TABLE IF NOT EXISTS sentences (
  article INTEGER NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  concept_ids TEXT NOT NULL,
  mentions TEXT NOT NULL,
  terms TEXT NOT NULL,
  checksum INTEGER,
  PRIMARY KEY (article, position)
) WITHOUT ROWID;

-- ids and offsets: little-endian Int32 arrays.
${SENTENCE_TERMS_INDEX}

CREATE TABLE IF NOT EXISTS tokens (
  article INTEGER NOT NULL,
  position INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  ids BLOB NOT NULL,
  offsets BLOB NOT NULL,
  PRIMARY KEY (article, position)
) WITHOUT ROWID;

-- A concept keeps its row (name, forms) when its rank falls to 0; readers see only rank > 0.
CREATE TABLE IF NOT EXISTS concepts (
  id INTEGER PRIMARY KEY,
  concept_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  origin TEXT NOT NULL,
  forms TEXT NOT NULL,
  rank INTEGER NOT NULL DEFAULT 0,
  degree INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS concept_sentences (
  concept INTEGER NOT NULL,
  sentence_key TEXT NOT NULL,
  PRIMARY KEY (concept, sentence_key)
) WITHOUT ROWID;

-- source < target by concept id (canonicalEdge).
CREATE TABLE IF NOT EXISTS edges (
  id INTEGER PRIMARY KEY,
  source INTEGER NOT NULL,
  target INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  UNIQUE (source, target)
);

-- How many of the edge's sentences each year's articles hold.
CREATE TABLE IF NOT EXISTS edge_years (
  edge INTEGER NOT NULL,
  year INTEGER NOT NULL,
  sentences INTEGER NOT NULL,
  PRIMARY KEY (edge, year)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS edge_sentences (
  edge INTEGER NOT NULL,
  score REAL NOT NULL,
  sentence_key TEXT NOT NULL,
  PRIMARY KEY (edge, score DESC, sentence_key)
) WITHOUT ROWID;

-- Each edge twice, once from each end, ordered as conceptEdges pages them.
CREATE TABLE IF NOT EXISTS concept_edges (
  concept INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  other_id TEXT NOT NULL,
  edge INTEGER NOT NULL,
  PRIMARY KEY (concept, rank DESC, other_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS terms (
  id INTEGER PRIMARY KEY,
  term TEXT NOT NULL UNIQUE,
  document_frequency INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS postings (
  term INTEGER NOT NULL,
  impact REAL NOT NULL,
  sentence_key TEXT NOT NULL,
  PRIMARY KEY (term, impact DESC, sentence_key)
) WITHOUT ROWID;
`;

/** The tables of a new database, at the current layout. */
export function createSchema(db: Connection): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(LAYOUT_VERSION);
  }).immediate();
}

/** Corpus totals kept in `meta`, updated in the write that changes them. */
export const META_KEYS = ['layout', 'version', 'lexicon', 'articles', 'sentences', 'concepts', 'edges', 'terms'] as const;
export type MetaKey = (typeof META_KEYS)[number];

/** Every table but `meta`: what dropping the corpus empties. */
export const DATA_TABLES = ['articles', 'sentences', 'tokens', 'concepts', 'concept_sentences', 'edges', 'edge_years', 'edge_sentences', 'concept_edges', 'terms', 'postings'] as const;
