/** Tiny DOM helpers: build elements without innerHTML, so server text is never parsed as markup. */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page is missing #${id}`);
  return element as T;
}

export function clear(element: HTMLElement): void {
  element.replaceChildren();
}

export interface Span {
  start: number;
  end: number;
  /** Builds the element that wraps the span's text. */
  wrap: () => HTMLElement;
}

/**
 * Text with highlighted spans. `layers` are in priority order: a span of an earlier layer is kept whole
 * (one element), and spans of later layers are cut to fit inside or around it. Overlaps within a layer keep the first.
 */
export function highlighted(text: string, layers: Span[][]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  render(fragment, text, 0, text.length, layers);
  return fragment;
}

function render(parent: Node, text: string, from: number, to: number, layers: Span[][]): void {
  if (from >= to) return;
  const [layer, ...rest] = layers;
  if (!layer) {
    parent.appendChild(document.createTextNode(text.slice(from, to)));
    return;
  }
  const spans = layer
    .map((s) => ({ ...s, start: Math.max(from, s.start), end: Math.min(to, s.end) }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let at = from;
  for (const span of spans) {
    if (span.start < at) continue;
    render(parent, text, at, span.start, rest);
    const wrapper = span.wrap();
    render(wrapper, text, span.start, span.end, rest);
    parent.appendChild(wrapper);
    at = span.end;
  }
  render(parent, text, at, to, rest);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
