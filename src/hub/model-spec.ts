import { HubError } from './hub-error.js';

/** What `--model` names: a local folder, or a Hub repository `owner/name` at a revision. */
export type ModelSpec = { kind: 'folder'; path: string } | { kind: 'hub'; repo: string; revision: string };

export const DEFAULT_REVISION = 'main';

// huggingface_hub's validate_repo_id: word characters, '-' and '.', no '--' or '..', at most 96 characters.
const REPO_PART = /^[A-Za-z0-9_.-]+$/;
const HUB_ID = /^[^/@\s]+\/[^/@\s]+(@.*)?$/;

function looksLikePath(value: string): boolean {
  return /^(\.{1,2}|~)?\//.test(value) || value === '.' || value === '..' || value === '~' || value.includes('\\');
}

/**
 * `owner/name` or `owner/name@revision` (a branch, tag or commit) is a Hub id; anything else, or anything
 * spelled as a path (`./x`, `/x`), is a folder. A folder that exists wins over a Hub id of the same spelling:
 * the caller checks that first.
 */
export function parseModelSpec(value: string): ModelSpec {
  if (looksLikePath(value) || !HUB_ID.test(value)) return { kind: 'folder', path: value };
  const at = value.indexOf('@');
  const repo = at === -1 ? value : value.slice(0, at);
  const revision = at === -1 ? DEFAULT_REVISION : value.slice(at + 1);
  const bad = (why: string) => new HubError('BAD_MODEL_ID', `model "${value}": ${why}`);
  for (const part of repo.split('/')) {
    if (!REPO_PART.test(part) || part.includes('--') || part.includes('..') || /^[.-]|[.-]$/.test(part)) {
      throw bad(`"${part}" is not a valid Hub owner or repository name (letters, digits, '-', '_', '.')`);
    }
  }
  if (repo.length > 96) throw bad('a Hub repository id has at most 96 characters');
  // The revision becomes a path under refs/ in the cache, so it must not climb out of it.
  if (revision === '' || revision.split('/').some((part) => part === '' || part === '.' || part === '..') || /[\s\\]/.test(revision)) {
    throw bad(`"${revision}" is not a revision (a branch, tag or commit sha)`);
  }
  return { kind: 'hub', repo, revision };
}

/** `owner/name` for the default revision, `owner/name@revision` otherwise. */
export function formatModelSpec(repo: string, revision: string): string {
  return revision === DEFAULT_REVISION ? repo : `${repo}@${revision}`;
}
