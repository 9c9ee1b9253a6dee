import { access, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

export type ModelVariant = 'fp32' | 'int8';

/** Where a model folder keeps each variant's weights, as transformers.js looks for them (dtype "fp32" and "q8"). */
export const ONNX_FILES: Record<ModelVariant, string> = {
  fp32: 'onnx/model.onnx',
  int8: 'onnx/model_quantized.onnx',
};

export interface ModelDir {
  path: string;
  /** What answers, for people: a Hub id, or the folder's name (a server's paths are not for its users). */
  name: string;
  onnxPath: string;
  variant: ModelVariant;
  modelType: string;
  /** True for models made by `npm run model:generate`: seeded random weights, answers that mean nothing. */
  generated: boolean;
  description: string;
}

export class ModelLoadError extends Error {}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Checks a Hugging Face style model folder before anything heavy is loaded, naming exactly what is wrong. `name`: default the folder's name. */
export async function openModelDir(dir: string, variant: ModelVariant = 'fp32', name?: string): Promise<ModelDir> {
  const path = resolve(dir);
  if (!(await exists(path))) throw new ModelLoadError(`model ${path}: no such folder`);
  const configPath = join(path, 'config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `is not valid JSON (${(error as Error).message})`;
    throw new ModelLoadError(`model ${path}: config.json ${reason}`);
  }
  if (!(await exists(join(path, 'tokenizer.json'))) && !(await exists(join(path, 'vocab.txt')))) {
    throw new ModelLoadError(`model ${path}: needs tokenizer.json or vocab.txt`);
  }
  // optimum exports put the graph at the root rather than in onnx/.
  const onnxPath = (await exists(join(path, ONNX_FILES[variant]))) ? join(path, ONNX_FILES[variant]) : join(path, basename(ONNX_FILES[variant]));
  if (!(await exists(onnxPath))) {
    throw new ModelLoadError(`model ${path}: ${ONNX_FILES[variant]} is missing (the ${variant} weights)`);
  }
  const generated = config.kgqa_generated === true;
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'unknown';
  const description = generated
    ? `generated ${String(config.kgqa_preset ?? modelType)} model with random weights (seed ${String(config.kgqa_seed)}): its answers are NOT meaningful`
    : `${modelType} model`;
  return { path, name: name ?? basename(path), onnxPath, variant, modelType, generated, description };
}
