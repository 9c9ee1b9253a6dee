import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/ingest/sentences.js';

const CORPUS_DIR = new URL('../../shared/corpus/cord19-sample/', import.meta.url);

function corpusParagraphs(): string[] {
  return readdirSync(CORPUS_DIR).flatMap((file) => {
    const article = JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8'));
    return [
      article.metadata.title,
      ...(article.abstract ?? []).map((p: { text: string }) => p.text),
      ...article.body_text.map((p: { text: string }) => p.text),
    ];
  });
}

const texts = (input: string) => splitSentences(input).map((s) => s.text);

describe('splitSentences on hand-written cases', () => {
  it.each([
    ['Smith et al. reported this. It was new.', ['Smith et al. reported this.', 'It was new.']],
    ['As described by Smith et al. The result held.', ['As described by Smith et al. The result held.']],
    ['As shown in Fig. 2, it replicates. See Figs. 3 and 4.', ['As shown in Fig. 2, it replicates.', 'See Figs. 3 and 4.']],
    ['Expression was detected (Fig. 2A). The level was high.', ['Expression was detected (Fig. 2A).', 'The level was high.']],
    ['Many viruses, e.g. SARS, are zoonotic. Others, i.e. most, are not.', ['Many viruses, e.g. SARS, are zoonotic.', 'Others, i.e. most, are not.']],
    ['Group A vs. Group B differed. Next one.', ['Group A vs. Group B differed.', 'Next one.']],
    ['The genome is approx. 30 kb long. It is ca. 30 kb.', ['The genome is approx. 30 kb long.', 'It is ca. 30 kb.']],
    ['Dr. Smith treated patient No. 5 today. Done.', ['Dr. Smith treated patient No. 5 today.', 'Done.']],
    ['The 9.6 kb fragment was cloned (p < 0.05). Next.', ['The 9.6 kb fragment was cloned (p < 0.05).', 'Next.']],
    ['J. R. Smith wrote it. Then more.', ['J. R. Smith wrote it.', 'Then more.']],
    ['A gift from Dr C. Roy arrived (P. Green, unpublished). Fine.', ['A gift from Dr C. Roy arrived (P. Green, unpublished).', 'Fine.']],
    ['Reagents were from B.D. Zelus. Next.', ['Reagents were from B.D. Zelus.', 'Next.']],
    ['We used E. coli cells. They grew.', ['We used E. coli cells.', 'They grew.']],
    ['They carried hepatitis B. The virus spread.', ['They carried hepatitis B.', 'The virus spread.']],
    ['He paused... Then continued.', ['He paused...', 'Then continued.']],
    ['He paused… then continued.', ['He paused… then continued.']],
    ['Analysis showed that ORF1a... was cleaved.', ['Analysis showed that ORF1a... was cleaved.']],
    ['This was shown before [12]. Next sentence here.', ['This was shown before [12].', 'Next sentence here.']],
    ['The result was significant.[12] Next sentence.', ['The result was significant.[12]', 'Next sentence.']],
    ['He said "it works." Then he left.', ['He said "it works."', 'Then he left.']],
    ['It was shown (see above.) Next sentence.', ['It was shown (see above.)', 'Next sentence.']],
    ['Is it real? Yes! It is.', ['Is it real?', 'Yes!', 'It is.']],
    ['Cells were infected at an m.o.i. of 5. After 24 h, cells were lysed.', ['Cells were infected at an m.o.i. of 5.', 'After 24 h, cells were lysed.']],
    ['Few cells at 7 h p.i. (Figure 3C). At 24 h p.i. All were.', ['Few cells at 7 h p.i. (Figure 3C).', 'At 24 h p.i.', 'All were.']],
    ['The average r.m.s.d. 1.55 Å was low. Next.', ['The average r.m.s.d. 1.55 Å was low.', 'Next.']],
    ['RNAs were detected. mRNA levels rose.', ['RNAs were detected.', 'mRNA levels rose.']],
    ['Made by Aves Labs, Inc. (Tigard, OR) for us. Next.', ['Made by Aves Labs, Inc. (Tigard, OR) for us.', 'Next.']],
    ['1. Based on usage, TGV is closest. 2. It is fine.', ['1. Based on usage, TGV is closest.', '2. It is fine.']],
    ['Title without period\n\nFirst sentence. Second one', ['Title without period', 'First sentence.', 'Second one']],
    ['Authors E.Y.L. & Y.K. did the work.', ['Authors E.Y.L. & Y.K. did the work.']],
  ])('%s', (input, expected) => {
    expect(texts(input)).toEqual(expected);
  });

  it('returns trimmed spans whose offsets slice the input', () => {
    const input = '  \n First one.   Second (p < 0.05).\t\n\n  Third!  ';
    const spans = splitSentences(input);
    expect(spans.map((s) => s.text)).toEqual(['First one.', 'Second (p < 0.05).', 'Third!']);
    for (const span of spans) expect(input.slice(span.start, span.end)).toBe(span.text);
  });

  it('returns nothing for blank input', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t ')).toEqual([]);
  });
});

describe('splitSentences on the CORD-19 sample', () => {
  const paragraphs = corpusParagraphs();
  const text = paragraphs.join('\n\n');
  const spans = splitSentences(text);

  it('splits the sample into plausible sentences', () => {
    expect(text.length).toBeGreaterThan(400_000);
    expect(spans.length).toBeGreaterThan(2_500);
    expect(spans.length).toBeLessThan(4_000);
    expect(spans.filter((s) => s.text.length > 1_000)).toEqual([]);
  });

  it('round-trips offsets and never keeps surrounding whitespace', () => {
    for (const span of spans) {
      expect(text.slice(span.start, span.end)).toBe(span.text);
      expect(span.text).toBe(span.text.trim());
      expect(span.text.length).toBeGreaterThan(0);
    }
  });

  it('never ends a sentence at an abbreviation or inside a name', () => {
    const endsAtAbbreviation = /(?:\bet al|\bFigs?|\be\.g|\bi\.e|\bvs|\bapprox|\bca|\bDr|\bNo)\.$/;
    expect(spans.filter((s) => endsAtAbbreviation.test(s.text)).map((s) => s.text)).toEqual([]);
    // An initial after another initial or a title is inside a name ("B. D. Zelus", "Dr C. Roy").
    const endsInsideName = /(?:\b\p{Lu}\.|\bDr)\s+\p{Lu}\.$/u;
    expect(spans.filter((s) => endsInsideName.test(s.text)).map((s) => s.text)).toEqual([]);
  });

  it('never starts a sentence with a plain lowercase word inside a paragraph', () => {
    const withinParagraph = spans.filter((span, i) => i > 0 && !/\n\s*\n/.test(text.slice(spans[i - 1].end, span.start)));
    const badStarts = withinParagraph.filter((s) => /^\p{Ll}+\b/u.test(s.text) && !/^\S*\p{Lu}/u.test(s.text));
    expect(badStarts.map((s) => s.text.slice(0, 40))).toEqual([]);
  });

  it('splits where the corpus really ends sentences', () => {
    const sentences = new Set(spans.map((s) => s.text));
    expect(sentences).toContain('The debate continues.');
    // A lone capital that ends a sentence ("… used as control B. For control B, …").
    expect([...sentences].filter((s) => /used as control B\.$/.test(s))).toHaveLength(1);
    expect([...sentences].filter((s) => s.startsWith('For control B, HLA-A'))).toHaveLength(1);
    // "E. coli"-style species names stay inside their sentence.
    expect([...sentences].filter((s) => /^pylori\b/.test(s))).toEqual([]);
  });
});
