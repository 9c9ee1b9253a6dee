import type { Answer, AskResult, Edge } from './api.js';
import { h, highlighted, plural } from './dom.js';

export interface AnswerHandlers {
  /** Open the link that led to an answer in the side panel. */
  onLink(edge: Edge): void;
  /** Show one answer's provenance in the graph (null: show everything again). */
  onFocus(index: number | null): void;
}

export function formatScore(score: number): string {
  return score >= 0.001 ? score.toFixed(3) : score.toExponential(1);
}

export function articleLabel(article: { title: string; year: number | null }): string {
  return article.year ? `${article.title} (${article.year})` : article.title;
}

/** The question's concepts and how much the reader read: shown above the answers. */
export function summary(result: AskResult, onConcept: (id: string) => void): HTMLElement {
  const chips = result.concepts.map((c) =>
    h(
      'li',
      {},
      h('button', { type: 'button', class: 'chip chip-question', title: `Add the neighbours of “${c.name}” to the graph`, onclick: () => onConcept(c.id) }, c.name),
    ),
  );
  return h(
    'div',
    { class: 'ask-summary' },
    result.concepts.length > 0 ? h('p', {}, 'Concepts found in your question (orange in the graph):') : null,
    chips.length > 0 ? h('ul', { class: 'chips', 'aria-label': 'Concepts in your question' }, ...chips) : null,
    result.candidates.length > 0
      ? h(
          'p',
          { class: 'muted' },
          `The model read ${plural(result.candidates.length, 'passage')} in ${Math.round(result.tookMs)} ms`,
          result.answers.length > 0 ? `; ${plural(result.answers.length, 'answer')} below, best first.` : '.',
        )
      : null,
  );
}

export function answerItem(answer: Answer, index: number, handlers: AnswerHandlers): HTMLLIElement {
  const { passage } = answer;
  const quote = h('blockquote', { class: 'sentence', 'data-testid': 'answer-passage' });
  quote.append(
    highlighted(passage.text, [[{ start: answer.start, end: answer.end, wrap: () => h('mark', { class: 'answer-mark', 'data-testid': 'answer-mark' }) }]]),
  );
  const edge = answer.edge;
  const provenance = edge
    ? h(
        'p',
        { class: 'provenance' },
        'Found through the link ',
        h(
          'button',
          { type: 'button', class: 'link-button', title: 'Read this link’s sentences in the side panel', onclick: () => handlers.onLink(edge) },
          `${edge.source.name} — ${edge.target.name}`,
        ),
      )
    : h('p', { class: 'provenance' }, 'Found through the words of your question.');
  const item = h(
    'li',
    { class: 'answer', id: `answer-${index + 1}`, 'data-testid': 'answer', tabindex: -1 },
    h(
      'div',
      { class: 'answer-head' },
      h('span', { class: 'answer-tag', title: `Answer ${index + 1}; the green A${index + 1} in the graph` }, `A${index + 1}`),
      h('span', { class: 'answer-text' }, answer.text),
      answer.cached
        ? h('span', { class: 'badge badge-cached', title: 'Served from the answer cache: this question was asked before' }, 'cached')
        : h('span', { class: 'badge badge-fresh', title: 'Computed by the model for this request' }, 'new'),
    ),
    quote,
    h(
      'p',
      { class: 'meta' },
      h('cite', { 'data-testid': 'answer-article' }, articleLabel(passage.article)),
      h('span', { class: 'score', title: 'start probability × end probability' }, `score ${formatScore(answer.score)}`),
    ),
    provenance,
  );
  item.addEventListener('mouseenter', () => handlers.onFocus(index));
  item.addEventListener('mouseleave', () => handlers.onFocus(null));
  item.addEventListener('focusin', () => handlers.onFocus(index));
  item.addEventListener('focusout', () => handlers.onFocus(null));
  return item;
}
