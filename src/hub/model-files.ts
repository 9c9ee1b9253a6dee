/** Which files of a Hub repository make a QA model kgqa can load, and how to say what a repository lacks. */

export type WeightsVariant = 'fp32' | 'int8';

/** Where Xenova/* and optimum exports put the weights: onnx/ first (transformers.js), the repository root second. */
export const ONNX_CANDIDATES: Record<WeightsVariant, readonly string[]> = {
  fp32: ['onnx/model.onnx', 'model.onnx'],
  int8: ['onnx/model_quantized.onnx', 'model_quantized.onnx'],
};

/** kgqa reads its tokenizer from tokenizer.json (every fast-tokenizer export has one), or a WordPiece vocab.txt. */
export const TOKENIZER_CANDIDATES: readonly string[] = ['tokenizer.json', 'vocab.txt'];

/** Fetched when present: casing and special tokens live there. */
export const OPTIONAL_FILES: readonly string[] = ['tokenizer_config.json', 'special_tokens_map.json'];

export type ModelFileChoice =
  | { ok: true; files: string[]; onnxFile: string }
  | { ok: false; missingOnnx: boolean; lacks: string[] };

/** The files to fetch from a repository holding `available`, or what it lacks. */
export function chooseModelFiles(available: ReadonlySet<string>, variant: WeightsVariant): ModelFileChoice {
  const onnxFile = ONNX_CANDIDATES[variant].find((file) => available.has(file));
  const tokenizer = TOKENIZER_CANDIDATES.find((file) => available.has(file));
  const lacks = [
    ...(available.has('config.json') ? [] : ['config.json']),
    ...(tokenizer ? [] : [TOKENIZER_CANDIDATES.join(' or ')]),
    ...(onnxFile ? [] : [ONNX_CANDIDATES[variant].join(' or ')]),
  ];
  if (!onnxFile || !tokenizer || lacks.length > 0) return { ok: false, missingOnnx: !onnxFile, lacks };
  // Weights over 2 GB are saved with their tensors in a file beside the graph.
  const externalData = [`${onnxFile}_data`, `${onnxFile}.data`].filter((file) => available.has(file));
  const optional = OPTIONAL_FILES.filter((file) => available.has(file));
  return { ok: true, files: ['config.json', tokenizer, ...optional, onnxFile, ...externalData], onnxFile };
}

/** Every file name `chooseModelFiles` may pick, to probe a cached snapshot without a listing. */
export function candidateFiles(variant: WeightsVariant): string[] {
  const onnx = ONNX_CANDIDATES[variant].flatMap((file) => [file, `${file}_data`, `${file}.data`]);
  return ['config.json', ...TOKENIZER_CANDIDATES, ...OPTIONAL_FILES, ...onnx];
}

/** One line naming what `name` lacks and what it has instead, with the way out. */
export function describeMissing(name: string, repo: string, choice: Extract<ModelFileChoice, { ok: false }>, files: Iterable<string>, variant: WeightsVariant): string {
  const all = [...files];
  const onnxFiles = all.filter((file) => file.endsWith('.onnx'));
  const weights = all.filter((file) => /\.(safetensors|bin|h5|msgpack|ckpt)$/.test(file));
  if (!choice.missingOnnx) return `model ${name} is not a complete model: it lacks ${choice.lacks.join(', ')}`;
  if (onnxFiles.length > 0) {
    const other: WeightsVariant = variant === 'fp32' ? 'int8' : 'fp32';
    const hint = ONNX_CANDIDATES[other].some((file) => onnxFiles.includes(file)) ? `; try --variant ${other}` : '';
    return `model ${name} has no ${variant} ONNX weights: it lacks ${ONNX_CANDIDATES[variant].join(' and ')} (it has ${onnxFiles.join(', ')})${hint}`;
  }
  const has = weights.length > 0 ? ` (it has ${weights.join(', ')})` : '';
  const baseName = repo.split('/')[1];
  return (
    `model ${name} has no ONNX export: it lacks ${ONNX_CANDIDATES[variant].join(' and ')}${has}; ` +
    `export one with \`optimum-cli export onnx --model ${repo} --task question-answering DIR\` and give --model DIR, ` +
    `or use an ONNX copy such as Xenova/${baseName} if one exists`
  );
}
