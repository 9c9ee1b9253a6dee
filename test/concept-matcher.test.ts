import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConceptMatcher, type ConceptEntry } from '../src/graph/concept-matcher.js';
import { splitSentences } from '../src/ingest/sentences.js';
import { loadVocabulary } from '../src/ingest/vocabulary.js';

const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));

const entry = (id: string, name: string, ...synonyms: string[]): ConceptEntry => ({ id, name, forms: [name, ...synonyms] });

/** The concepts and surfaces matched in `text`, as "id:surface". */
function found(matcher: ConceptMatcher, text: string): string[] {
  return matcher.match(text).map((m) => `${m.conceptId}:${text.slice(m.start, m.end)}`);
}

describe('ConceptMatcher rules', () => {
  const matcher = new ConceptMatcher([
    entry('DOID:2945', 'severe acute respiratory syndrome', 'SARS'),
    entry('D045473', 'SARS-CoV', 'SARS coronavirus', 'severe acute respiratory syndrome coronavirus'),
    entry('D017934', 'Coronavirus', 'Coronaviruses'),
    entry('D009369', 'Neoplasms', 'Cancer'),
    entry('D000163', 'Acquired Immunodeficiency Syndrome', 'AIDS'),
    entry('X:CAN', 'Central Autonomic Network', 'CAN'),
    entry('D000085962', 'Angiotensin-Converting Enzyme 2', 'ACE2'),
    entry('D012367', 'RNA, Viral', 'Viral RNA'),
    entry('D064370', 'Spike Glycoprotein, Coronavirus'),
    entry('NCIT:C15206', 'Clinical Study', 'study'),
    entry('X:JUNK', 'CA', '1918', 'was', 'The', '2.5', 'Tables', 'data'),
  ]);

  it('matches case-insensitively', () => {
    expect(found(matcher, 'Coronavirus, coronaviruses and CORONAVIRUS.')).toEqual([
      'D017934:Coronavirus',
      'D017934:coronaviruses',
      'D017934:CORONAVIRUS',
    ]);
  });

  it('matches on word boundaries only', () => {
    expect(found(matcher, 'cancers, precancer, cancer2, cancer-free, (cancer)')).toEqual([
      'D009369:cancer',
      'D009369:cancer',
    ]);
    expect(found(matcher, 'ACE2 and ACE2b and hACE2')).toEqual(['D000085962:ACE2']);
  });

  it('prefers the longest match at the leftmost start', () => {
    expect(found(matcher, 'SARS-CoV infection differs from SARS.')).toEqual(['D045473:SARS-CoV', 'DOID:2945:SARS']);
    expect(found(matcher, 'the severe acute respiratory syndrome coronavirus genome')).toEqual([
      'D045473:severe acute respiratory syndrome coronavirus',
    ]);
    expect(found(matcher, 'severe acute respiratory syndrome (SARS) and SARS coronavirus')).toEqual([
      'DOID:2945:severe acute respiratory syndrome',
      'DOID:2945:SARS',
      'D045473:SARS coronavirus',
    ]);
  });

  it('matches short all-uppercase forms case-sensitively', () => {
    expect(found(matcher, 'We can see it. The CAN relays. Aids help; AIDS kills.')).toEqual([
      'X:CAN:CAN',
      'D000163:AIDS',
    ]);
  });

  it('ignores forms that are too short, numeric, stop words or generic words', () => {
    expect(found(matcher, 'In 1918 the CA ratio was 2.5; The end. Tables of data.')).toEqual([]);
    expect(found(matcher, 'This study is a clinical study.')).toEqual(['NCIT:C15206:clinical study']);
    expect(matcher.size).toBe(10);
  });

  it('matches inverted headings in natural word order', () => {
    expect(found(matcher, 'viral RNA and coronavirus spike glycoprotein')).toEqual([
      'D012367:viral RNA',
      'D064370:coronavirus spike glycoprotein',
    ]);
  });

  it('reports UTF-16 offsets of the original text', () => {
    const text = 'İİ 😀 β-coronavirus and\u00a0SARS-CoV\tcancer';
    const matches = matcher.match(text);
    expect(matches.map((m) => text.slice(m.start, m.end))).toEqual(['coronavirus', 'SARS-CoV', 'cancer']);
    expect(matches[0]).toEqual({ conceptId: 'D017934', start: 8, end: 19 });
  });

  it('matches across any whitespace inside a multi-word form', () => {
    expect(found(matcher, 'SARS\ncoronavirus')).toEqual(['D045473:SARS\ncoronavirus']);
  });

  it('resolves a form shared by several concepts the same way whatever the input order', () => {
    const shared = [
      entry('MONDO:0005091', 'severe acute respiratory syndrome', 'SARS'),
      entry('DOID:2945', 'severe acute respiratory syndrome', 'SARS'),
      entry('D045169', 'Severe Acute Respiratory Syndrome'),
      entry('A:1', 'Respiratory illness', 'severe acute respiratory syndrome'),
    ];
    for (const entries of [shared, [...shared].reverse()]) {
      const resolved = new ConceptMatcher(entries);
      // Named by the form beats smallest id ("A:1"); among named concepts the smallest id wins.
      expect(found(resolved, 'severe acute respiratory syndrome')).toEqual(['D045169:severe acute respiratory syndrome']);
      expect(found(resolved, 'SARS')).toEqual(['DOID:2945:SARS']);
    }
  });

  it('matches nothing without concepts', () => {
    const empty = new ConceptMatcher([]);
    expect(empty.size).toBe(0);
    expect(empty.match('anything at all')).toEqual([]);
  });
});

describe('ConceptMatcher on MeSH, DOID and COVoc over the CORD-19 sample', () => {
  let matcher: ConceptMatcher;
  const corpusDir = join(SHARED, 'corpus/cord19-sample');
  const sentences = readdirSync(corpusDir).flatMap((file) => {
    const article = JSON.parse(readFileSync(join(corpusDir, file), 'utf8'));
    return article.body_text.flatMap((paragraph: { text: string }) => splitSentences(paragraph.text).map((s) => s.text));
  });

  beforeAll(async () => {
    const vocabularies = await Promise.all(
      ['mesh-2024.tsv.gz', 'doid-infectious-2026.tsv', 'covoc-2022.tsv'].map((file) => loadVocabulary(join(SHARED, 'vocab', file))),
    );
    matcher = new ConceptMatcher(vocabularies.flat().map((term) => entry(term.id, term.name, ...term.synonyms)));
  });

  it('builds from all three vocabularies and matches throughout the sample', () => {
    expect(matcher.size).toBeGreaterThan(30_000);
    const matches = sentences.map((sentence) => matcher.match(sentence));
    expect(matches.flat().length).toBeGreaterThan(5_000);
  });

  it('returns sorted, non-overlapping matches on word boundaries, never of stop words', () => {
    for (const sentence of sentences) {
      let previousEnd = 0;
      for (const { start, end } of matcher.match(sentence)) {
        expect(start).toBeGreaterThanOrEqual(previousEnd);
        expect(/[\p{L}\p{N}]/u.test(sentence[start - 1] ?? ' ') || /[\p{L}\p{N}]/u.test(sentence[end] ?? ' ')).toBe(false);
        const surface = sentence.slice(start, end);
        // A stop word only matches as an acronym, e.g. "WHO" for the World Health Organization.
        if (['can', 'was', 'the', 'and', 'who'].includes(surface.toLowerCase())) expect(surface).toBe(surface.toUpperCase());
        previousEnd = end;
      }
    }
  });

  it('finds the concepts the sample is about', () => {
    const surfaces = new Map<string, Set<string>>();
    for (const sentence of sentences) {
      for (const m of matcher.match(sentence)) {
        surfaces.set(m.conceptId, (surfaces.get(m.conceptId) ?? new Set()).add(sentence.slice(m.start, m.end)));
      }
    }
    expect(surfaces.get('D045473')).toContain('SARS-CoV');
    expect(surfaces.get('DOID:2945')).toContain('SARS');
    expect(surfaces.get('D017934')).toContain('coronavirus');
    expect(surfaces.get('D010447')).toContain('proteinase');
    expect(surfaces.get('D012367')).toContain('viral RNA');
    expect(surfaces.get('D014944')).toEqual(new Set(['WHO', 'World Health Organization']));
  });
});
