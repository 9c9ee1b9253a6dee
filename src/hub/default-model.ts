/**
 * The model `npm start` answers with: a real extractive QA model from the Hub (or the cache) when it can be had,
 * otherwise the generated tiny model with random weights, saying so. Why this model: docs/models.md.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError } from './hub-error.js';
import { ONNX_CANDIDATES } from './model-files.js';
import { resolveModel, type HubOrigin, type ResolveModelOptions } from './resolve-model.js';

/** transformers.js's own default for question-answering; SQuAD 1.1 F1 87.1 (its card); see docs/models.md. */
export const DEFAULT_MODEL_ID = 'Xenova/distilbert-base-cased-distilled-squad';

export interface DefaultModelOptions extends ResolveModelOptions {
  /** The generated fallback's folder, e.g. .kgqa/models/tiny (`npm run model:tiny` makes it; the server never generates models). */
  fallbackDir: string;
  /** Default DEFAULT_MODEL_ID. */
  modelId?: string;
}

export interface DefaultModel {
  /** The folder to load. */
  dir: string;
  /** The weights, relative to `dir`. */
  onnxFile: string;
  /** What answers, for the start-up line and `{ model }`: a Hub id, or the generated model's folder. */
  name: string;
  /** False for a model with random weights (the generated fallback): its answers mean nothing. */
  meaningful: boolean;
  /** Set when the model came from the Hub or its cache. */
  hub?: HubOrigin;
  /** Why the real model is not the one answering, as one line. */
  fallbackReason?: string;
}

/** Models made by `npm run model:generate` say so in config.json. */
async function isGenerated(dir: string): Promise<boolean> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { kgqa_generated?: unknown };
  return config.kgqa_generated === true;
}

function canFallBack(error: unknown): boolean {
  // Hub and disk troubles (no network, a full disk, an unwritable cache) are why there is a fallback; bugs are not.
  return error instanceof HubError || typeof (error as NodeJS.ErrnoException).code === 'string';
}

export async function resolveDefaultModel(options: DefaultModelOptions): Promise<DefaultModel> {
  const variant = options.variant ?? 'fp32';
  try {
    const model = await resolveModel(options.modelId ?? DEFAULT_MODEL_ID, options);
    return { dir: model.dir, onnxFile: model.onnxFile, name: model.name, meaningful: !(await isGenerated(model.dir)), hub: model.hub };
  } catch (error) {
    if (!canFallBack(error)) throw error;
    const onnxFile = ONNX_CANDIDATES[variant][0];
    if (!existsSync(join(options.fallbackDir, onnxFile)) || !existsSync(join(options.fallbackDir, 'config.json'))) {
      throw new Error(`${(error as Error).message}; and there is no generated fallback model in ${options.fallbackDir} (npm run model:tiny makes one)`);
    }
    return {
      dir: options.fallbackDir,
      onnxFile,
      name: options.fallbackDir,
      meaningful: !(await isGenerated(options.fallbackDir)),
      fallbackReason: (error as Error).message,
    };
  }
}
