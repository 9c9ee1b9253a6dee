import type { GraphStore } from './store.js';

/** The same store, reporting each call (each is one batch: one round trip per shard on Redis) by method name. */
export function instrumentStore(store: GraphStore, onCall: (method: string) => void): GraphStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onCall(String(property));
        return value.apply(target, args);
      };
    },
  });
}
