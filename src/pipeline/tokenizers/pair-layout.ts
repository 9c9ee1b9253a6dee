/**
 * The pair layout from tokenizer.json's post_processor, read as transformers.js applies it: TemplateProcessing
 * (BERT, ALBERT, DeBERTa, XLM-R), BertProcessing, RobertaProcessing, a Sequence holding one of those, or none.
 */
import { isObject, typeOf, type Fail, type JsonObject } from './tokenizer-files.js';
import type { LayoutPart, PairLayout } from './tokenizer.js';

// The tokenizer classes transformers.js returns token_type_ids for (return_token_type_ids = true); the
// others (DistilBERT, RoBERTa, XLM-R, ...) give none, and a model taking them gets zeros.
const CLASSES_WITH_TOKEN_TYPES = new Set([
  'AlbertTokenizer',
  'BertTokenizer',
  'ConvBertTokenizer',
  'DebertaTokenizer',
  'DebertaV2Tokenizer',
  'ElectraTokenizer',
  'HerbertTokenizer',
  'MobileBertTokenizer',
  'RoFormerTokenizer',
  'SqueezeBertTokenizer',
  'XLMTokenizer',
]);

/** Id of a token named in the layout: added tokens first, then the vocabulary, as transformers.js looks it up. */
export type IdOf = (token: string) => number | undefined;

export interface LayoutSource {
  postProcessor: unknown;
  config: JsonObject;
  padId: number;
  idOf: IdOf;
  fail: Fail;
}

/** `[CLS] q [SEP] c [SEP]`, types 0 then 1: what a BERT folder without tokenizer.json (vocab.txt) means. */
export function bertLayout(cls: number, sep: number, padId: number): PairLayout {
  return {
    beforeQuestion: { ids: [cls], typeIds: [0] },
    questionTypeId: 0,
    betweenTexts: { ids: [sep], typeIds: [0] },
    contextTypeId: 1,
    afterContext: { ids: [sep], typeIds: [1] },
    padId,
    tokenTypeIds: true,
  };
}

export function pairLayout({ postProcessor, config, padId, idOf, fail }: LayoutSource): PairLayout {
  const tokenClass = typeof config.tokenizer_class === 'string' ? config.tokenizer_class.replace(/Fast$/, '') : '';
  const tokenTypeIds = CLASSES_WITH_TOKEN_TYPES.has(tokenClass);
  const id = (token: unknown, where: string): number => {
    const found = typeof token === 'string' ? idOf(token) : undefined;
    if (found === undefined) return fail(`post_processor ${where} names ${JSON.stringify(token)}, which is not in the vocabulary`);
    return found;
  };
  const part = (ids: number[], typeIds: number[]): LayoutPart => ({ ids, typeIds });
  const processor = singleProcessor(postProcessor, fail);
  if (processor === null) {
    // transformers.js then joins the two texts with nothing around them and gives no token types.
    return { beforeQuestion: part([], []), questionTypeId: 0, betweenTexts: part([], []), contextTypeId: 0, afterContext: part([], []), padId, tokenTypeIds: false };
  }
  switch (processor.type) {
    case 'BertProcessing': {
      const cls = id(pairName(processor.cls), 'cls');
      const sep = id(pairName(processor.sep), 'sep');
      return { ...bertLayout(cls, sep, padId), tokenTypeIds };
    }
    case 'RobertaProcessing': {
      const cls = id(pairName(processor.cls), 'cls');
      const sep = id(pairName(processor.sep), 'sep');
      // transformers.js gives the second </s> of the middle and everything after it type 1.
      return { beforeQuestion: part([cls], [0]), questionTypeId: 0, betweenTexts: part([sep, sep], [0, 1]), contextTypeId: 1, afterContext: part([sep], [1]), padId, tokenTypeIds };
    }
    case 'TemplateProcessing':
      return templateLayout(processor, padId, tokenTypeIds, id, fail);
    default:
      return fail(`post_processor ${typeOf(processor)} is not supported (TemplateProcessing, BertProcessing, RobertaProcessing)`);
  }
}

/** The one processor that lays out the pair; ByteLevel processors in a Sequence only pass tokens through. */
function singleProcessor(postProcessor: unknown, fail: Fail): JsonObject | null {
  if (postProcessor === null || postProcessor === undefined) return null;
  if (!isObject(postProcessor)) return fail('"post_processor" must be an object');
  if (postProcessor.type !== 'Sequence') {
    if (postProcessor.type === 'ByteLevel') fail('post_processor ByteLevel alone drops the second text of a pair (transformers.js)');
    return postProcessor;
  }
  const processors = Array.isArray(postProcessor.processors) ? postProcessor.processors : [];
  const layouts = processors.filter((p) => !isObject(p) || p.type !== 'ByteLevel');
  if (layouts.length !== 1 || !isObject(layouts[0])) return fail('post_processor Sequence must hold exactly one processor besides ByteLevel ones');
  return layouts[0];
}

function pairName(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function templateLayout(processor: JsonObject, padId: number, tokenTypeIds: boolean, id: (token: unknown, where: string) => number, fail: Fail): PairLayout {
  if (!Array.isArray(processor.pair)) return fail('post_processor TemplateProcessing has no "pair" template');
  const parts: { ids: number[]; typeIds: number[] }[] = [{ ids: [], typeIds: [] }];
  const sequenceTypes: number[] = [];
  const order: string[] = [];
  for (const item of processor.pair as unknown[]) {
    if (isObject(item) && isObject(item.SpecialToken)) {
      parts.at(-1)!.ids.push(id(item.SpecialToken.id, 'pair template'));
      parts.at(-1)!.typeIds.push(typeId(item.SpecialToken.type_id));
    } else if (isObject(item) && isObject(item.Sequence)) {
      order.push(String(item.Sequence.id));
      sequenceTypes.push(typeId(item.Sequence.type_id));
      parts.push({ ids: [], typeIds: [] });
    } else {
      return fail('post_processor pair template items must be SpecialToken or Sequence');
    }
  }
  if (order.join() !== 'A,B') return fail(`post_processor pair template must hold sequence A then B, not ${order.join(', ') || 'none'}`);
  return {
    beforeQuestion: parts[0],
    questionTypeId: sequenceTypes[0],
    betweenTexts: parts[1],
    contextTypeId: sequenceTypes[1],
    afterContext: parts[2],
    padId,
    tokenTypeIds,
  };
}

function typeId(value: unknown): number {
  return Number.isInteger(value) ? (value as number) : 0;
}
