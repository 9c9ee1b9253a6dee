import type { Answer, Concept, Edge, Sentence } from './api.js';
import { articleLabel } from './answers.js';
import { append, clear, h, highlighted, plural, type Span } from './dom.js';

export interface LinkContext {
  /** The answer read from a sentence, if any, with its number. */
  /** The answer whose passage holds a sentence, with the answer's offsets in it when the answer lies there. */
  answerFor(key: string): { index: number; answer: Answer; start?: number; end?: number } | undefined;
  walked: boolean;
  /** Shown years, or null for all. */
  years: number[] | null;
  onBack(): void;
  onAnswer(index: number): void;
}

export class SidePanel {
  constructor(
    private readonly heading: HTMLElement,
    private readonly content: HTMLElement,
  ) {}

  hint(text: string): void {
    this.heading.textContent = 'Links';
    clear(this.content);
    this.content.append(h('p', { class: 'hint' }, text));
  }

  loading(title: string, text: string): void {
    this.heading.textContent = title;
    clear(this.content);
    this.content.append(h('p', { class: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text));
    this.content.setAttribute('aria-busy', 'true');
  }

  error(title: string, text: string): void {
    this.heading.textContent = title;
    clear(this.content);
    this.content.append(h('p', { class: 'error-text' }, text));
    this.content.removeAttribute('aria-busy');
  }

  /** Every link on screen as a button: the keyboard's way into the graph. `answers` gives the answers a link led to. */
  links(links: Edge[], answers: (edge: Edge) => number[], onLink: (edge: Edge) => void): void {
    this.heading.textContent = 'Links';
    clear(this.content);
    this.content.removeAttribute('aria-busy');
    if (links.length === 0) {
      this.content.append(h('p', { class: 'hint' }, 'No links to show yet. Ask a question or search for a concept.'));
      return;
    }
    const shown = links.slice(0, 60);
    append(
      this.content,
      h('p', { class: 'hint' }, 'Click a line in the graph, or a link below, to read the sentences behind it.'),
      h('h3', {}, `Links in the graph (${links.length})`, links.length > shown.length ? `, the ${shown.length} strongest` : ''),
      h(
        'ul',
        { class: 'link-list', 'aria-label': 'Links in the graph' },
        ...shown.map((edge) => {
          const led = answers(edge);
          return h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: led.length > 0 ? 'link-button walked' : 'link-button', onclick: () => onLink(edge) },
              `${edge.source.name} — ${edge.target.name}`,
            ),
            h('span', { class: 'muted' }, ` ${plural(edge.rank, 'sentence')}`),
            ...led.map((i) => h('span', { class: 'answer-tag small', title: `This link led to answer A${i + 1}` }, `A${i + 1}`)),
          );
        }),
      ),
    );
  }

  concept(concept: Concept, added: number, total: number, edges: Edge[], onLink: (edge: Edge) => void, onHide: () => void): void {
    this.heading.textContent = concept.name;
    clear(this.content);
    this.content.removeAttribute('aria-busy');
    this.content.append(
      h('p', {}, `Mentioned in ${plural(concept.rank, 'sentence')}; linked to ${plural(total, 'concept')}.`),
      h(
        'p',
        {},
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'hide-concept', onclick: onHide }, `Hide “${concept.name}” from the graph`),
        h('span', { class: 'muted' }, ' (this browser remembers it; restore it below the graph)'),
      ),
      h(
        'p',
        { class: 'muted' },
        added > 0 ? `Added ${plural(added, 'new link')} to the graph.` : 'Its strongest links are already in the graph.',
      ),
      edges.length > 0 ? h('h3', {}, 'Strongest links') : h('p', { class: 'hint' }, 'No links in the selected years.'),
      h(
        'ul',
        { class: 'link-list' },
        ...edges.map((edge) => {
          const other = edge.source.id === concept.id ? edge.target : edge.source;
          return h(
            'li',
            {},
            h('button', { type: 'button', class: 'link-button', onclick: () => onLink(edge) }, `${concept.name} — ${other.name}`),
            h('span', { class: 'muted' }, ` ${plural(edge.rank, 'sentence')}`),
          );
        }),
      ),
    );
  }

  link(edge: Edge & { sentences: Sentence[] }, context: LinkContext): void {
    this.heading.textContent = `${edge.source.name} — ${edge.target.name}`;
    clear(this.content);
    this.content.removeAttribute('aria-busy');
    const years = context.years;
    const shown = years ? edge.sentences.filter((s) => s.article.year !== null && years.includes(s.article.year)) : edge.sentences;
    const hidden = edge.sentences.length - shown.length;
    const found = edge.sentences.map((s) => context.answerFor(s.key)).filter((a) => a !== undefined);
    const answered = [...new Map(found.map((a) => [a.index, a])).values()];
    append(
      this.content,
      h('button', { type: 'button', class: 'secondary back', onclick: context.onBack }, '← All links'),
      h(
        'p',
        { 'data-testid': 'link-summary' },
        `Mentioned together in ${plural(edge.rank, 'sentence')}`,
        edge.years.length > 0 ? ` from ${edge.years.join(', ')}` : '',
        `. The closest mentions come first.`,
      ),
      context.walked || answered.length > 0
        ? h(
            'p',
            { class: 'note-walked' },
            answered.length > 0 ? 'This link led to ' : 'This link led to an answer.',
            ...answered.flatMap((a, i) => [
              i > 0 ? ', ' : '',
              h(
                'button',
                {
                  type: 'button',
                  class: 'answer-tag',
                  title: 'Scroll to the answering sentence',
                  onclick: () => document.getElementById(`link-answer-${a.index + 1}`)?.scrollIntoView({ block: 'center', behavior: 'smooth' }),
                },
                `A${a.index + 1}`,
              ),
            ]),
            answered.length > 0 ? ': the sentences of their passages are flagged below, the answers marked where they lie.' : '',
          )
        : null,
      hidden > 0 ? h('p', { class: 'muted' }, `${plural(hidden, 'sentence')} from other years hidden by the year filter.`) : null,
      shown.length === 0 ? h('p', { class: 'hint' }, 'No sentences to show.') : null,
      h('ol', { class: 'link-sentences', 'data-testid': 'link-sentences' }, ...shown.map((s) => this.sentenceItem(s, edge, context))),
    );
  }

  private sentenceItem(sentence: Sentence, edge: Edge, context: LinkContext): HTMLLIElement {
    const found = context.answerFor(sentence.key);
    const answerLayer: Span[] = found
      ? found.start === undefined || found.end === undefined
        ? []
        : [{ start: found.start, end: found.end, wrap: () => h('mark', { class: 'answer-mark' }) }]
      : [];
    const ends = new Set([edge.source.id, edge.target.id]);
    const mentionLayer: Span[] = sentence.mentions
      .filter((m) => ends.has(m.concept.id))
      .map((m) => ({ start: m.start, end: m.end, wrap: () => h('span', { class: 'mention' }) }));
    const text = h('p', { class: 'sentence-text' });
    text.append(highlighted(sentence.text, [answerLayer, mentionLayer]));
    return h(
      'li',
      { class: found ? 'link-sentence answering' : 'link-sentence', 'data-testid': 'link-sentence', id: found ? `link-answer-${found.index + 1}` : null },
      found
        ? h(
            'button',
            { type: 'button', class: 'answer-tag', title: 'Show this answer in the answers list', onclick: () => context.onAnswer(found.index) },
            `A${found.index + 1}`,
          )
        : null,
      text,
      h('p', { class: 'meta' }, h('cite', {}, articleLabel(sentence.article)), h('span', { class: 'muted' }, `sentence ${sentence.position + 1}`)),
    );
  }
}
