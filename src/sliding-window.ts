import { LRUCache } from 'lru-cache';

/** At most `limit` events per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Most clients remembered at once; the least recently seen is forgotten first, so a flood of addresses cannot grow memory. */
const MAX_CLIENTS = 50_000;

/**
 * At most `limit` events per client in any `windowMs`. Written by hand: the window is a list of at most `limit`
 * timestamps per client in an LRU map (lru-cache, already a dependency), smaller than wiring in a rate-limit library
 * whose stores and middleware shape do not fit GraphQL errors.
 */
export class SlidingWindow {
  private readonly events = new LRUCache<string, number[]>({ max: MAX_CLIENTS });

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Milliseconds until `client` may have another event; 0 when it may now. */
  waitMs(client: string, now = Date.now()): number {
    const times = this.recent(client, now);
    return times.length < this.limit ? 0 : times[0] + this.windowMs - now;
  }

  /** Counts an event of `client`. */
  record(client: string, now = Date.now()): void {
    const times = this.recent(client, now);
    times.push(now);
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    this.events.set(client, times);
  }

  /** Records an event when `client` is under its limit; otherwise the milliseconds until it may (nothing recorded). */
  take(client: string, now = Date.now()): number {
    const wait = this.waitMs(client, now);
    if (wait === 0) this.record(client, now);
    return wait;
  }

  private recent(client: string, now: number): number[] {
    const times = this.events.get(client) ?? [];
    const fresh = times.findIndex((time) => time > now - this.windowMs);
    return fresh < 0 ? [] : fresh === 0 ? times : times.slice(fresh);
  }
}
