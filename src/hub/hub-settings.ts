import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where models come from and where they are kept; read from the environment the way huggingface_hub reads it. */
export interface HubSettings {
  /** e.g. https://huggingface.co, without a trailing slash. */
  endpoint: string;
  /** A huggingface_hub cache folder (models--owner--name/{blobs,snapshots,refs}), shared with Python tools. */
  cacheDir: string;
  /** Sent as `Authorization: Bearer` to the endpoint only (never to a CDN it redirects to), never logged. */
  token?: string;
  /** HF_HUB_OFFLINE: use the cache only, never the network. */
  offline: boolean;
  /** How long to wait for the Hub's answer to a metadata request (huggingface_hub waits 10 s). */
  timeoutMs: number;
}

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
const DEFAULT_TIMEOUT_MS = 10_000;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** KGQA_CACHE_DIR, else huggingface_hub's own choice: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, $HF_HOME/hub, $XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = nonEmpty(env.KGQA_CACHE_DIR) ?? nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE);
  if (explicit) return expandHome(explicit);
  const hfHome = nonEmpty(env.HF_HOME) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache'), 'huggingface');
  return join(expandHome(hfHome), 'hub');
}

export function hubSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const offline = nonEmpty(env.HF_HUB_OFFLINE) ?? '';
  return {
    endpoint: (nonEmpty(env.KGQA_HUB_URL) ?? nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    cacheDir: defaultCacheDir(env),
    token: nonEmpty(env.KGQA_HF_TOKEN) ?? nonEmpty(env.HF_TOKEN),
    offline: ['1', 'ON', 'YES', 'TRUE'].includes(offline.toUpperCase()),
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
}
