import { instrumentStore } from '../../src/store/instrumented-store.js';
import type { GraphStore } from '../../src/store/store.js';

/** Counts store calls per method, so tests can see how DataLoader batched them. */
export function countingStore(store: GraphStore): { store: GraphStore; calls: Map<string, number>; total(): number; reset(): void } {
  const calls = new Map<string, number>();
  return {
    store: instrumentStore(store, (method) => calls.set(method, (calls.get(method) ?? 0) + 1)),
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    reset: () => calls.clear(),
  };
}
