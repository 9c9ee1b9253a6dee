import type { Concept } from './api.js';

/** Where the page remembers the concepts a person hid ("Humans", "Time"…), per browser and per server origin. */
export const HIDDEN_CONCEPTS_KEY = 'kgqa.hiddenConcepts';

/**
 * The concepts hidden from the graph, kept in localStorage as [{id, name}] so the restore list can name them.
 * A storage the browser refuses (private mode, quota) only makes the choice last until the page is left.
 */
export class HiddenConcepts {
  private readonly concepts = new Map<string, string>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly storage: Storage | null = safeLocalStorage()) {
    try {
      const saved: unknown = JSON.parse(this.storage?.getItem(HIDDEN_CONCEPTS_KEY) ?? '[]');
      if (Array.isArray(saved)) {
        for (const item of saved) if (typeof item?.id === 'string' && typeof item?.name === 'string') this.concepts.set(item.id, item.name);
      }
    } catch {
      // A value another version of the page wrote: start afresh rather than fail.
    }
  }

  has(id: string): boolean {
    return this.concepts.has(id);
  }

  ids(): string[] {
    return [...this.concepts.keys()];
  }

  list(): Pick<Concept, 'id' | 'name'>[] {
    return [...this.concepts].map(([id, name]) => ({ id, name }));
  }

  hide(concept: Pick<Concept, 'id' | 'name'>): void {
    this.concepts.set(concept.id, concept.name);
    this.changed();
  }

  restore(id: string): void {
    if (this.concepts.delete(id)) this.changed();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    try {
      this.storage?.setItem(HIDDEN_CONCEPTS_KEY, JSON.stringify(this.list()));
    } catch {
      // Quota or a disabled storage: the choice still holds on this page.
    }
    for (const listener of this.listeners) listener();
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
