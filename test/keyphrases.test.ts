import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractKeyphrases } from '../src/ingest/keyphrases.js';
import { splitSentences } from '../src/ingest/sentences.js';

const CORPUS_DIR = new URL('../../shared/corpus/cord19-sample/', import.meta.url);

const ids = (sentences: string[], options = {}) => extractKeyphrases(sentences, options).map((entry) => entry.id);

describe('extractKeyphrases on hand-written sentences', () => {
  it('keeps noun phrases that enough sentences share, with stable ids, names and forms', () => {
    const entries = extractKeyphrases([
      'The spike protein binds the receptor.',
      'Antibodies against the Spike protein were raised.',
      'However, the spike protein is cleaved.',
      'The receptor is expressed in lung.',
    ]);
    expect(entries).toContainEqual({ id: 'kw:spike-protein', name: 'spike protein', forms: ['spike protein'] });
    expect(entries.map((e) => e.id)).not.toContain('kw:receptor');
    expect(entries.map((e) => e.id)).not.toContain('kw:however');
  });

  it('counts sentences, not repetitions inside one sentence', () => {
    expect(ids(['Viral RNA, viral RNA and more viral RNA.', 'No more here.'])).toEqual([]);
    expect(ids(['Viral RNA, viral RNA and more viral RNA.', 'Viral RNA.'], { minSentences: 2 })).toContain('kw:viral-rna');
  });

  it('takes the most frequent casing as the name, ties going to the smallest', () => {
    const sentences = ['SARS spreads.', 'SARS kills.', 'We fear sars.', 'Sars is feared.'];
    expect(extractKeyphrases(sentences)).toContainEqual({ id: 'kw:sars', name: 'SARS', forms: ['sars'] });
    expect(extractKeyphrases(['Sars one.', 'sars two.', 'SARS three.'])).toContainEqual({ id: 'kw:sars', name: 'SARS', forms: ['sars'] });
  });

  it('drops a shorter phrase that almost always sits inside one longer phrase', () => {
    const always = ['The main proteinase cleaves.', 'A main proteinase structure.', 'The main proteinase dimerizes.'];
    expect(ids(always)).toContain('kw:main-proteinase');
    expect(ids(always)).not.toContain('kw:proteinase');
    const alsoAlone = [...always, 'A proteinase was purified.', 'Each proteinase differs.'];
    expect(ids(alsoAlone)).toContain('kw:proteinase');
  });

  it('never bounds a phrase with a stop word, a generic word or a number, nor crosses punctuation', () => {
    const sentences = [
      'These results of the study show the virus, protein and 1999 data (Fig. 2).',
      'These results of the study show the virus, protein and 1999 data (Fig. 2).',
      'These results of the study show the virus, protein and 1999 data (Fig. 2).',
    ];
    expect(ids(sentences)).toEqual(['kw:protein', 'kw:virus']);
  });

  it('ignores cited authors', () => {
    const sentences = [
      'Frameshifting was described (Kim and Lai, 2003).',
      'Frameshifting by Brierley et al. was efficient.',
      'Frameshifting is common (Brierley, 1995; Kim, 2001).',
    ];
    expect(ids(sentences)).toEqual(['kw:frameshifting']);
  });

  it('keeps hyphenated names and compounds with digits whole', () => {
    const sentences = [
      'SARS-CoV-2 and hnRNP A1 bind the 3C-like proteinase.',
      'We studied SARS-CoV-2 and hnRNP A1 with a 3C-like proteinase.',
      'MHV-infected cells had SARS-CoV-2, hnRNP A1 and 3C-like proteinase.',
    ];
    const found = ids(sentences);
    expect(found).toEqual(expect.arrayContaining(['kw:sars-cov-2', 'kw:hnrnp-a1', 'kw:3c-like-proteinase']));
    expect(found).not.toContain('kw:3c-like');
  });

  it('honours maxWords and returns entries in id order', () => {
    const sentences = Array(3).fill('The severe acute respiratory syndrome spread.');
    expect(ids(sentences)).not.toContain('kw:severe-acute-respiratory-syndrome');
    expect(ids(sentences, { maxWords: 4 })).toContain('kw:severe-acute-respiratory-syndrome');
    const sorted = ids(sentences, { maxWords: 4 });
    expect(sorted).toEqual([...sorted].sort());
  });

  it('returns nothing for no sentences', () => {
    expect(extractKeyphrases([])).toEqual([]);
  });
});

describe('extractKeyphrases on the CORD-19 sample', () => {
  const sentences = readdirSync(CORPUS_DIR).flatMap((file) => {
    const article = JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8'));
    const paragraphs: string[] = [article.metadata.title, ...article.body_text.map((p: { text: string }) => p.text)];
    return paragraphs.flatMap((paragraph) => splitSentences(paragraph).map((s) => s.text));
  });
  const entries = extractKeyphrases(sentences);
  const found = new Set(entries.map((entry) => entry.id));

  it('finds what the sample is about', () => {
    for (const id of ['kw:coronavirus', 'kw:sars', 'kw:sars-cov', 'kw:main-proteinase', 'kw:proteinase', 'kw:spike', 'kw:spike-protein', 'kw:hnrnp-a1']) {
      expect(found).toContain(id);
    }
  });

  it('keeps discourse, generic words and cited authors out', () => {
    for (const id of ['kw:however', 'kw:et-al', 'kw:al', 'kw:study', 'kw:results', 'kw:data', 'kw:figure', 'kw:table', 'kw:respectively', 'kw:using']) {
      expect(found).not.toContain(id);
    }
    expect([...found].filter((id) => /^kw:(?:brierley|snijder|lai)$/.test(id))).toEqual([]);
  });

  it('returns well-formed entries in id order', () => {
    expect(entries.length).toBeGreaterThan(1_000);
    expect(entries.map((e) => e.id)).toEqual([...found].sort());
    for (const { id, name, forms } of entries) {
      expect(id).toBe(`kw:${name.toLowerCase().replace(/\s+/g, '-')}`);
      expect(forms).toEqual([name.toLowerCase()]);
      expect(name.length).toBeGreaterThanOrEqual(3);
      expect(name.split(' ').length).toBeLessThanOrEqual(3);
    }
  });

  it('is deterministic', () => {
    expect(extractKeyphrases(sentences)).toEqual(entries);
  });
});
