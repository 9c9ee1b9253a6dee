import type { GraphStore } from '../../src/store/store.js';

/** Wraps a store and counts calls per method, so tests can see how DataLoader batched them. */
export function countingStore(store: GraphStore): { store: GraphStore; calls: Map<string, number>; total(): number; reset(): void } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return {
    store: proxy,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    reset: () => calls.clear(),
  };
}
