import type { RedisConnection } from './connection.js';
import { edgeTagBody, keyPart, LAYOUT_VERSION, parseEdgeId, type KeyLayout } from './keys.js';

/** The namespace's keys are in a layout this kgqa must not read: the message says what to run. */
export class RedisLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisLayoutError';
  }
}

/**
 * Reads the namespace's layout version on open. An empty namespace gets the current one; a namespace written
 * before versions were stored (it has a corpus version but no layout) is layout 1. Anything but the current
 * layout is refused, never read: names would not match and the store would look empty or half-filled.
 */
export async function checkLayout(connection: RedisConnection, keys: KeyLayout, url: string): Promise<void> {
  const { layout, version } = keys.corpus;
  let stored = (await connection.send(layout, ['GET', layout])) as string | null;
  if (stored === null) {
    const written = (await connection.send(version, ['EXISTS', version])) as number;
    if (written === 0) {
      await connection.send(layout, ['SET', layout, String(LAYOUT_VERSION), 'NX']);
      stored = (await connection.send(layout, ['GET', layout])) as string | null;
    } else stored = '1';
  }
  if (stored === String(LAYOUT_VERSION)) return;
  if (stored === '1' || stored === MIGRATING) {
    throw new RedisLayoutError(
      `Redis namespace "${keys.namespace}" has key layout ${stored === '1' ? '1 (written by an older kgqa)' : '1, half migrated'}; ` +
        `stop every kgqa using it and run: kgqa migrate --store ${url}`,
    );
  }
  throw new RedisLayoutError(`Redis namespace "${keys.namespace}" has key layout ${stored}, which this kgqa (layout ${LAYOUT_VERSION}) cannot read: use a newer kgqa`);
}

const MIGRATING = '1-to-2';

/** Layout 1's hashtagged keys: `NS:{a|c|e|t:<raw id>}:<suffix>`, and answers `NS:answers:{a:<raw id>}:<scope>`. */
const V1_KEY = /^(answers:)?\{([acet]):([\s\S]*)\}:([^}]*)$/;

/**
 * Renames every key of a layout-1 namespace to layout 2 (cached answers are dropped: a cache). A key may move to
 * another slot, so each is copied (DUMP, RESTORE with its TTL) and then unlinked; re-running after a crash picks up
 * the keys not yet moved. Returns how many keys moved.
 */
export async function migrateLayout(connection: RedisConnection, keys: KeyLayout): Promise<{ from: string; moved: number; dropped: number }> {
  const { layout, version } = keys.corpus;
  const stored = ((await connection.send(layout, ['GET', layout])) as string | null) ?? ((await connection.send(version, ['EXISTS', version])) ? '1' : null);
  if (stored === String(LAYOUT_VERSION) || stored === null) {
    await connection.send(layout, ['SET', layout, String(LAYOUT_VERSION)]);
    return { from: stored ?? 'empty', moved: 0, dropped: 0 };
  }
  if (stored !== '1' && stored !== MIGRATING) throw new RedisLayoutError(`Redis namespace "${keys.namespace}" has key layout ${stored}: this kgqa migrates only layout 1`);
  await connection.send(layout, ['SET', layout, MIGRATING]);
  let moved = 0;
  let dropped = 0;
  const prefix = `${keys.namespace}:`;
  for (const key of await scanKeys(connection, keys.pattern)) {
    const match = V1_KEY.exec(key.slice(prefix.length));
    if (!match) continue; // {corpus} keys keep their names
    const [, answers, kind, id, suffix] = match;
    if (answers) {
      await connection.send(key, ['UNLINK', key]);
      dropped++;
      continue;
    }
    const body = kind === 'e' ? edgeTagBody(parseEdgeId(id)) : keyPart(id);
    const renamed = `${prefix}{${kind}:${body}}:${suffix}`;
    if (renamed === key) continue;
    const [dump, ttl] = await Promise.all([connection.sendBytes(key, ['DUMP', key]), connection.send(key, ['PTTL', key]) as Promise<number>]);
    if (dump === null) continue;
    await connection.sendBytes(renamed, ['RESTORE', renamed, String(Math.max(0, ttl)), dump, 'REPLACE']);
    await connection.send(key, ['UNLINK', key]);
    moved++;
  }
  await connection.send(layout, ['SET', layout, String(LAYOUT_VERSION)]);
  return { from: '1', moved, dropped };
}

/** Every key matching `pattern`, on every master. */
export async function scanKeys(connection: RedisConnection, pattern: string): Promise<string[]> {
  const perMaster = await connection.onEachMaster(async (send) => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = (await send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [string, string[]];
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  });
  return perMaster.flat();
}
