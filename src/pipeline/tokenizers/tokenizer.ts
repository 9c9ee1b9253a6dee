/**
 * The tokenizer seam: text to ids with character offsets, plus what the batch assembler needs to lay a
 * (question, context) pair out the way the model was trained. One implementation per tokenizer model:
 * WordPiece (BERT family), byte-level BPE (RoBERTa, GPT-2 style), Unigram (SentencePiece: XLM-R, ALBERT, DeBERTa-v3).
 */

export interface TokenizedText {
  ids: number[];
  /** [start, end) UTF-16 offsets into the original text, one pair per token. */
  offsets: number[] /* flat: s0,e0,s1,e1,... */;
}

/** Special tokens around and between the two texts of a pair, each with its token type id. */
export interface LayoutPart {
  ids: readonly number[];
  typeIds: readonly number[];
}

/**
 * How a (question, context) pair becomes one model input, from tokenizer.json's post_processor:
 * `[CLS] q [SEP] c [SEP]` with type ids 0/1 for BERT, ALBERT, DeBERTa, ELECTRA; `<s> q </s></s> c </s>` for
 * RoBERTa and XLM-R.
 */
export interface PairLayout {
  beforeQuestion: LayoutPart;
  questionTypeId: number;
  betweenTexts: LayoutPart;
  contextTypeId: number;
  afterContext: LayoutPart;
  padId: number;
  /**
   * Whether the tokenizer gives token_type_ids at all (transformers.js's return_token_type_ids, by tokenizer
   * class). When it does not, a model that takes them is fed zeros, as transformers.js does.
   */
  tokenTypeIds: boolean;
}

export interface Tokenizer {
  /** Identifies vocabulary, normalization and everything else that changes ids; stored tokens are keyed by it. */
  readonly fingerprint: string;
  readonly maxSequenceLength: number;
  /** Ids that never start or end an answer: every special added token and the layout's tokens. */
  readonly specialIds: ReadonlySet<number>;
  readonly pairLayout: PairLayout;
  /**
   * Whether a space before a word changes its tokens (byte-level BPE's "Ġ", SentencePiece's "▁"); WordPiece
   * drops whitespace, so a sentence's tokens are the same alone and inside a passage.
   */
  readonly leadingSpaceChangesTokens: boolean;
  /** Token ids and offsets of `text`, without the layout's special tokens. */
  tokenize(text: string): TokenizedText;
}

/** Number of special tokens a pair adds around its two texts. */
export function layoutLength(layout: PairLayout): number {
  return layout.beforeQuestion.ids.length + layout.betweenTexts.ids.length + layout.afterContext.ids.length;
}

/** Every id the layout puts around the texts. */
export function layoutIds(layout: PairLayout): number[] {
  return [...layout.beforeQuestion.ids, ...layout.betweenTexts.ids, ...layout.afterContext.ids];
}
