import { createHash } from 'node:crypto';
import { sentenceKey, type MentionRecord, type SentenceRecord, type SentenceTokens } from '../domain.js';
import { storedSentenceTokens, storedTokensKey } from '../pipeline/passage-tokens.js';
import type { Tokenizer } from '../pipeline/tokenizers/tokenizer.js';
import type { PreparedArticle } from '../store/store.js';
import { INDEX_TERMS_VERSION, indexTerms } from '../text/index-terms.js';
import type { ConceptLexicon } from './concept-lexicon.js';
import type { SourceDocument } from './documents.js';
import { splitSentences } from './sentences.js';

export const PARAGRAPH_SEPARATOR = '\n\n';

/** Same hash, same stored article: it covers everything that decides what is stored, index terms included. */
export function articleContentHash(document: SourceDocument, lexiconFingerprint: string): string {
  return createHash('sha256')
    .update(JSON.stringify([document.title, document.year, document.paragraphs, lexiconFingerprint, INDEX_TERMS_VERSION]))
    .digest('hex');
}

export interface SplitDocument {
  document: SourceDocument;
  sentences: { text: string; start: number; end: number }[];
}

/** Sentences with offsets into the article body (paragraphs joined by a blank line). */
export function splitDocument(document: SourceDocument): SplitDocument {
  const sentences: SplitDocument['sentences'] = [];
  let offset = 0;
  for (const paragraph of document.paragraphs) {
    for (const span of splitSentences(paragraph)) {
      sentences.push({ text: span.text, start: offset + span.start, end: offset + span.end });
    }
    offset += paragraph.length + PARAGRAPH_SEPARATOR.length;
  }
  return { document, sentences };
}

export function prepareArticle(
  { document, sentences }: SplitDocument,
  lexicon: ConceptLexicon,
  tokenizer?: Tokenizer,
): PreparedArticle {
  const concepts: PreparedArticle['concepts'] = new Map();
  const records: SentenceRecord[] = sentences.map((span, position) => {
    const mentions: MentionRecord[] = lexicon.matcher.match(span.text);
    const conceptIds = [...new Set(mentions.map((mention) => mention.conceptId))];
    for (const id of conceptIds) {
      if (concepts.has(id)) continue;
      const concept = lexicon.concepts.get(id)!;
      concepts.set(id, { name: concept.name, origin: concept.origin, surfaceForms: concept.forms });
    }
    return {
      key: sentenceKey(document.id, position),
      articleId: document.id,
      position,
      text: span.text,
      start: span.start,
      end: span.end,
      conceptIds,
      mentions: mentions.map(({ conceptId, start, end }) => ({ conceptId, start, end })),
    };
  });
  return {
    article: {
      id: document.id,
      title: document.title,
      year: document.year,
      sentenceCount: records.length,
      contentHash: articleContentHash(document, lexicon.fingerprint),
    },
    sentences: records,
    concepts,
    terms: records.map((r) => indexTerms(r.text)),
    tokens: tokenizer && new Map(records.map((r): [string, SentenceTokens] => [r.key, { fingerprint: storedTokensKey(tokenizer), ...storedSentenceTokens(tokenizer, r) }])),
  };
}
