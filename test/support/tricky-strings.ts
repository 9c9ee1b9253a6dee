/** Strings that normalization, pre-tokenization and added tokens treat specially. */
export const TRICKY_STRINGS = [
  '',
  ' ',
  '  \t\n\r\u00a0\u3000  ',
  'Café naïve Ångström résumé RÉSUMÉ',
  'e\u0301 n\u0303 a\u030a\u0323 a\u0301\u0323 o\u0323\u0302',
  '中文字符 and 日本語のテキスト 한국어 mixed中文text',
  'astral CJK 𠀀𠀁 and compatibility \uF900 ideographs a\uF900b',
  '𝛼'.repeat(60),
  '𝛼'.repeat(101),
  'emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇩🇪',
  'control\u0000chars\u0007here zero\u200bwidth bom\ufeffmark replacement\ufffd end\u0085',
  'vertical\u000btab form\u000cfeed line\u2028separator',
  'lone \ud800 surrogates \udc00 here',
  'SARS-CoV-2 and 3C-like protease (3CLpro), nsp12/nsp7-nsp8',
  'a'.repeat(100),
  'b'.repeat(101),
  `short ${'x'.repeat(250)} words`,
  'é'.repeat(101),
  '😀'.repeat(60),
  'α-helix β-sheet Δ39 γδ T cells μg/ml',
  'ΟΔΟΣ ΟΔΟΣΑ ΑΣ.Β ΣΑΣ',
  'ＦＵＬＬ－ｗｉｄｔｈ　１２３ ｶﾀｶﾅ',
  'İstanbul ı I ǅ ẞ Straße K Å ﬁ ﬃ',
  '¿Qué? ¡Sí! «quoted» „German“ ‘single’ — dash – en',
  'math ≤ ≥ ± × ÷ ∞ °C 37°C 5′-UTR 3′',
  'numbers 1,234.56 10^-3 $5 100% a+b=c <tag> {x} [y] ~z `q` |p| @h #t',
  'text with [SEP] and [CLS] inside[MASK]word and [UNK]',
  '[CLS]',
  'Ⅻ roman ① circled ² superscript',
  'x\u0000y tab\tseparated\r\nlines',
  'hyphen\u00adsoft non\u2011breaking',
  '  leading and trailing  ',
  ' leading space',
  'multiple   spaces  and\t\ttabs',
  '<s> and </s> <mask> <pad> <unk> x<mask>y x <mask> y',
  '<mask>',
  "``quoted'' text",
  'wave～dash ～ full～',
  'ｶﾞｷﾞ halfwidth ﾊﾟ',
  '\u1100\u1161\u11a8 conjoining jamo',
  'µg/ml 5 µm ﬁne',
  'a'.repeat(300),
  'supercalifragilistic'.repeat(10),
  '▁literal metaspace ▁▁ x▁y',
  'Ġbyte-level look-alikes Ġ Ċ',
];

/** Random strings over chars that normalization and pre-tokenization treat specially; same seed, same strings. */
export function fuzzStrings(count: number, seed: number): string[] {
  const pieces = [
    ...'abcXYZ019 .,-()[]#\t\n\r\u00a0\u3000',
    ...'éÅöñßİıΣσςΑΔ',
    '\u0301', '\u0323', '\u0308', 'e\u0301', '\u0000', '\u0007', '\u200b', '\ufeff', '\ufffd', '\u00ad', '\ud800', '\udc00',
    '中', '文', '\uF900', '𠀀', '한', 'ｶ', 'Ａ', '😀', '👍🏽', '𝛼', 'ﬁ', '°', '±', '–', '’',
    '[SEP]', '[CLS]', '[UNK]', '[MASK]', 'SARS-CoV-2', '<Gene>', 'protein', 'ase', 'x'.repeat(99),
    '<mask>', '<s>', '</s>', '\u2581', '  ', '\uff5e', 'ｶﾞ', '\u1100\u1161', 'µ', "''", '``',
  ];
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(30) }, () => pieces[next(pieces.length)]).join(''));
}
