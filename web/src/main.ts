import './styles.css';
import * as api from './api.js';
import { ApiError, type Answer, type AskResult, type Edge } from './api.js';
import { answerItem, summary } from './answers.js';
import { byId, clear, formatCount, h, plural } from './dom.js';
import { ConceptGraph, linkId, type GraphAnswer } from './graph.js';
import { HiddenConcepts } from './hidden-concepts.js';
import { SidePanel } from './panel.js';

const MAX_YEAR_SPAN = 300;

const questionInput = byId<HTMLInputElement>('question');
const askForm = byId<HTMLFormElement>('ask-form');
const askButton = byId<HTMLButtonElement>('ask-button');
const askError = byId('ask-error');
const answersStatus = byId('answers-status');
const answersList = byId<HTMLOListElement>('answers');
const graphStatus = byId('graph-status');
const searchForm = byId<HTMLFormElement>('concept-search-form');
const searchInput = byId<HTMLInputElement>('concept-search');
const yearForm = byId<HTMLFormElement>('year-form');
const yearFrom = byId<HTMLInputElement>('year-from');
const yearTo = byId<HTMLInputElement>('year-to');
const yearError = byId('year-error');
const connectionBanner = byId('connection-banner');
const modelBanner = byId('model-banner');
const statsLine = byId('stats');

type View = { kind: 'ask'; question: string } | { kind: 'search'; text: string } | null;

const state = {
  view: null as View,
  years: null as number[] | null,
  /** The answers on screen, by sentence key, for the side panel. */
  /** Answers by every sentence of their passage, with the answer's offsets in the sentences it lies in. */
  answers: new Map<string, { index: number; answer: Answer; start?: number; end?: number }>(),
  /** Bumped by every new ask or search, so a slow old response cannot overwrite a newer one. */
  generation: 0,
};

const panel = new SidePanel(byId('side-heading'), byId('side-content'));
const hidden = new HiddenConcepts();
const graph = new ConceptGraph(
  byId('graph'),
  {
    onConcept: (id) => void expandConcept(id),
    onLink: (source, target) => void openLink(source, target),
    onAnswer: (index) => revealAnswer(index),
  },
  byId('graph-placeholder'),
  (id) => hidden.has(id),
);
// A handle for developers in the console and for the browser tests.
(window as unknown as { kgqa: unknown }).kgqa = { graph, cy: graph.cy, hidden };

// ---------- status helpers ----------

function setStatus(target: HTMLElement, kind: 'hint' | 'loading' | 'empty' | 'error' | 'info', ...content: (Node | string)[]): void {
  clear(target);
  target.dataset.state = kind;
  const paragraph = h('p', { class: kind === 'error' ? 'error-text' : kind });
  if (kind === 'loading') paragraph.append(h('span', { class: 'spinner', 'aria-hidden': 'true' }));
  paragraph.append(...content);
  target.append(paragraph);
  target.setAttribute('aria-busy', String(kind === 'loading'));
}

/** Turns any failure into words a reader can act on; shows the banner when the server is gone. */
function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'http') {
      showConnectionProblem(error.kind === 'unreachable' ? `No answer from ${api.endpointUrl()}` : capitalize(error.message));
      return error.kind === 'timeout' ? 'The server took too long to answer.' : 'The server could not be reached.';
    }
    if (error.code === 'MODEL_UNAVAILABLE') return 'This server runs without a QA model, so it cannot answer questions. You can still search and explore the graph.';
    if (error.code === 'BAD_USER_INPUT') return `The server rejected the input: ${error.message}.`;
    return `The server reported an error: ${error.message}`;
  }
  return `Something went wrong in the page: ${(error as Error).message}`;
}

function showConnectionProblem(detail: string): void {
  byId('connection-detail').textContent = `${detail}. Check that kgqa serve is running, then try again.`;
  connectionBanner.hidden = false;
  statsLine.textContent = 'Server unreachable';
}

function connectionOk(): void {
  if (connectionBanner.hidden) return;
  connectionBanner.hidden = true;
  // The server is back: refresh what was shown while it was away.
  void loadOverview();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------- overview: stats and the model warning ----------

async function loadOverview(): Promise<void> {
  try {
    const { stats, model } = await api.fetchOverview();
    connectionBanner.hidden = true;
    statsLine.textContent = `${formatCount(stats.articles)} articles · ${formatCount(stats.sentences)} sentences · ${formatCount(stats.concepts)} concepts · ${formatCount(stats.edges)} links`;
    clear(modelBanner);
    if (!model) {
      modelBanner.className = 'banner banner-info';
      modelBanner.append(h('p', {}, h('strong', {}, 'No QA model: '), 'this server cannot answer questions. You can still search concepts and explore the graph.'));
      modelBanner.hidden = false;
    } else if (!model.meaningful) {
      modelBanner.className = 'banner banner-warning';
      modelBanner.append(
        h('p', {}, h('strong', {}, '⚠ Test model with random weights — the answers are NOT meaningful.')),
        h(
          'p',
          {},
          'This server answers with ',
          h('code', { 'data-testid': 'model-name' }, model.name),
          ', a generated model (',
          h('code', {}, model.description),
          '). The page works, but the highlighted answers are arbitrary pieces of text, not what the documents say. Start kgqa with a trained QA model (--model default, a Hub id or a folder) for real answers.',
        ),
      );
      modelBanner.hidden = false;
    } else {
      modelBanner.className = 'banner banner-info';
      modelBanner.append(
        h(
          'p',
          {},
          'Answers by ',
          h('code', { 'data-testid': 'model-name' }, model.name),
          ` (${model.variant}), a trained QA model`,
          model.noAnswer ? ' that says when a passage holds no answer.' : '.',
        ),
      );
      modelBanner.hidden = false;
    }
  } catch (error) {
    describe(error);
  }
}

// ---------- asking ----------

async function askQuestion(question: string): Promise<void> {
  askError.textContent = '';
  questionInput.removeAttribute('aria-invalid');
  if (question.trim() === '') {
    askError.textContent = 'Type a question first.';
    questionInput.setAttribute('aria-invalid', 'true');
    questionInput.focus();
    return;
  }
  const generation = ++state.generation;
  state.view = { kind: 'ask', question };
  const url = new URL(location.href);
  url.searchParams.set('q', question);
  history.replaceState(null, '', url);

  askButton.disabled = true;
  askButton.textContent = 'Asking…';
  answersList.replaceChildren();
  state.answers.clear();
  setStatus(answersStatus, 'loading', 'Finding answers: reading the candidate passages…');
  setStatus(graphStatus, 'loading', 'Walking the graph from your question…');
  const years = state.years;
  const [asked, searched] = await Promise.allSettled([api.ask(question, years, hidden.ids()), api.search(question, years, hidden.ids(), 30)]);
  if (generation !== state.generation) return;
  askButton.disabled = false;
  askButton.textContent = 'Ask';

  if (asked.status === 'rejected') {
    const message = describe(asked.reason);
    if (asked.reason instanceof ApiError && asked.reason.code === 'BAD_USER_INPUT') {
      askError.textContent = message;
      questionInput.setAttribute('aria-invalid', 'true');
      setStatus(answersStatus, 'error', 'No answers: fix the question above and ask again.');
    } else {
      setStatus(answersStatus, 'error', `No answers. ${message}`);
    }
  } else {
    connectionOk();
    // Keep the year filter honest even if the server lets a sentence from another year through.
    const inYears = (a: Answer) => !years || (a.passage.article.year !== null && years.includes(a.passage.article.year));
    const kept = asked.value.answers.filter(inYears);
    showAnswers({ ...asked.value, answers: kept }, asked.value.answers.length - kept.length);
  }

  const badQuestion = asked.status === 'rejected' && asked.reason instanceof ApiError && asked.reason.code === 'BAD_USER_INPUT';
  if (badQuestion) {
    graph.clear();
    showKnownYears([], 0);
    setStatus(graphStatus, 'hint', 'No graph for a question the server rejected.');
    showLinkList();
    return;
  }
  if (asked.status === 'rejected' && searched.status === 'rejected') {
    graph.clear();
    showKnownYears([], 0);
    setStatus(graphStatus, 'error', `No graph. ${describe(searched.reason)}`);
    panel.hint('Nothing to show until the server answers.');
    return;
  }
  const result = asked.status === 'fulfilled' ? asked.value : null;
  const search = searched.status === 'fulfilled' ? searched.value : null;
  if (!years) showKnownYears(search?.years ?? [], search?.links.length ?? 0);
  // One entry per answer, though an answer spanning two sentences is found under both.
  const shown = [...new Map([...state.answers.values()].map((a) => [a.index, a])).values()];
  const answers = shown.map((a) => a.answer);
  const questionConcepts = result?.concepts ?? search?.concepts ?? [];
  const walkedEdges = answers.flatMap((a) => (a.edge ? [a.edge] : []));
  const questionIds = new Set(questionConcepts.map((c) => c.id));
  const concepts = [...questionConcepts, ...(search?.concepts ?? [])];
  const edges = [...walkedEdges, ...(search?.links ?? [])];
  const onScreen = new Set([...concepts, ...edges.flatMap((e) => [e.source, e.target])].map((c) => c.id));
  const graphAnswers: GraphAnswer[] = shown.map(({ answer: a, index }) => ({
    index,
    conceptIds: a.edge
      ? [a.edge.source.id, a.edge.target.id]
      : [...new Set(a.passage.sentences.flatMap((s) => s.concepts.map((c) => c.id)))].filter((id) => questionIds.has(id) || onScreen.has(id)),
  }));
  graph.show({
    concepts,
    edges,
    question: questionIds,
    walked: new Set(walkedEdges.map((e) => linkId(e.source.id, e.target.id))),
    answers: graphAnswers,
  });
  if (graph.isEmpty) {
    setStatus(graphStatus, 'empty', 'No concept of the graph appears in this question, so there is nothing to draw.');
  } else {
    setStatus(
      graphStatus,
      'info',
      `${questionConcepts.length} question concept${questionConcepts.length === 1 ? '' : 's'} and the links around them${yearsLabel(years)}.`,
      answers.length > 0 ? ' Orange lines led to the green answers.' : '',
      ' Click a concept to add its neighbours, a line to read its sentences.',
    );
  }
  showLinkList();
}

function showAnswers(result: AskResult, hiddenByYear: number): void {
  clear(answersStatus);
  answersStatus.dataset.state = result.answers.length > 0 ? 'answers' : 'empty';
  answersStatus.setAttribute('aria-busy', 'false');
  answersStatus.append(summary(result, (id) => void expandConcept(id)));
  if (hiddenByYear > 0) {
    answersStatus.append(h('p', { class: 'muted' }, `${hiddenByYear} answer${hiddenByYear === 1 ? '' : 's'} from articles outside the selected years hidden.`));
  }
  if (result.answers.length === 0) {
    answersStatus.append(
      h(
        'p',
        { class: 'empty' },
        h('strong', {}, 'No answer found. '),
        result.candidates.length === 0
          ? 'No passage of the articles matches the words of your question. Try the terms the articles use, or look for a concept with “Search concepts” above the graph.'
          : result.noAnswer
            ? `No answer found in the ${plural(result.candidates.length, 'passage')} read: the model says none of them answers the question. Try other words.`
            : state.years
            ? 'No passage gave an answer in the selected years. Try all years or other words.'
            : 'No passage gave an answer. Try other words.',
      ),
    );
  }
  result.answers.forEach((answer, index) => {
    for (const sentence of answer.passage.sentences) state.answers.set(sentence.key, { index, answer });
    for (const span of answer.spans) state.answers.set(span.sentence.key, { index, answer, start: span.start, end: span.end });
    answersList.append(
      answerItem(answer, index, {
        onLink: (edge) => void openLink(edge.source.id, edge.target.id),
        onFocus: (i) => graph.focusAnswer(i),
      }),
    );
  });
}

function revealAnswer(index: number): void {
  const item = document.getElementById(`answer-${index + 1}`);
  if (!item) return;
  item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  item.focus({ preventScroll: true });
  item.classList.remove('flash');
  void item.offsetWidth;
  item.classList.add('flash');
}

// ---------- exploring the graph ----------

async function searchConcepts(text: string): Promise<void> {
  if (text.trim() === '') {
    setStatus(graphStatus, 'error', 'Type a word to search concepts.');
    searchInput.focus();
    return;
  }
  const generation = ++state.generation;
  state.view = { kind: 'search', text };
  setStatus(graphStatus, 'loading', `Searching concepts for “${text}”…`);
  try {
    const result = await api.search(text, state.years, hidden.ids(), 40);
    if (generation !== state.generation) return;
    connectionOk();
    if (!state.years) showKnownYears(result.years, result.links.length);
    graph.show({ concepts: result.concepts, edges: result.links, question: new Set(result.concepts.map((c) => c.id)), walked: new Set(), answers: [] });
    if (result.concepts.length === 0) {
      setStatus(graphStatus, 'empty', `No concept matches “${text}”. Try another word, e.g. one from an answer's sentence.`);
    } else {
      setStatus(
        graphStatus,
        'info',
        `Found ${result.concepts.map((c) => c.name).join(', ')} (orange) and ${result.links.length} link${result.links.length === 1 ? '' : 's'}${yearsLabel(state.years)}. Click a concept to add its neighbours, a line to read its sentences.`,
      );
    }
    showLinkList();
  } catch (error) {
    if (generation !== state.generation) return;
    setStatus(graphStatus, 'error', `Search failed. ${describe(error)}`);
  }
}

async function expandConcept(id: string): Promise<void> {
  const name = graph.concepts().find((c) => c.id === id)?.name ?? id;
  graph.chooseConcept(id);
  panel.loading(name, `Loading the neighbours of “${name}”…`);
  try {
    const found = await api.conceptNeighbours(id, hidden.ids(), 12);
    connectionOk();
    if (!found) {
      panel.error(name, 'This concept is no longer in the graph.');
      return;
    }
    const years = state.years;
    const edges = found.edges.filter((e) => (!years || e.years.some((y) => years.includes(y))) && !hidden.has(e.source.id) && !hidden.has(e.target.id));
    const added = graph.expand(id, edges);
    graph.chooseConcept(id);
    panel.concept(
      found.concept,
      added,
      found.totalCount,
      edges,
      (edge) => void openLink(edge.source.id, edge.target.id),
      () => hideConcept(found.concept),
    );
    setStatus(graphStatus, 'info', `Added ${added} link${added === 1 ? '' : 's'} around “${found.concept.name}” (its ${edges.length} strongest of ${found.totalCount}).`);
  } catch (error) {
    panel.error(name, `Could not load the neighbours. ${describe(error)}`);
  }
}

async function openLink(source: string, target: string): Promise<void> {
  graph.chooseLink(source, target);
  const names = graph.concepts();
  const title = `${names.find((c) => c.id === source)?.name ?? source} — ${names.find((c) => c.id === target)?.name ?? target}`;
  panel.loading(title, 'Loading the sentences of this link…');
  try {
    const edge = await api.edgeSentences(source, target, 20);
    connectionOk();
    if (!edge) {
      panel.error(title, 'These two concepts are not linked (any more).');
      return;
    }
    panel.link(edge, {
      answerFor: (key) => state.answers.get(key),
      walked: graph.isWalked(source, target),
      years: state.years,
      onBack: () => {
        graph.chooseLink(null);
        showLinkList();
      },
      onAnswer: revealAnswer,
    });
  } catch (error) {
    panel.error(title, `Could not load the sentences. ${describe(error)}`);
  }
}

// ---------- hiding concepts ----------

function hideConcept(concept: { id: string; name: string }): void {
  hidden.hide(concept);
  graph.hide(concept.id);
  showLinkList();
  setStatus(graphStatus, 'info', `“${concept.name}” is hidden from the graph; “Show again” below the graph brings it back.`);
}

function restoreConcept(concept: { id: string; name: string }): void {
  hidden.restore(concept.id);
  // The view was asked of the server without this concept: ask again to bring it and its links back.
  if (rerunView()) return;
  graph.redraw();
  showLinkList();
  setStatus(graphStatus, 'info', `“${concept.name}” is shown again.`);
}

/** The hidden concepts under the graph, each with its way back. */
function showHiddenList(): void {
  const list = byId('hidden-concepts');
  const concepts = hidden.list();
  list.hidden = concepts.length === 0;
  list.replaceChildren(
    h('span', { class: 'label' }, `Hidden concepts (${concepts.length}):`),
    ...concepts.map((concept) =>
      h(
        'span',
        { class: 'hidden-concept', 'data-testid': 'hidden-concept' },
        concept.name,
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Show ${concept.name} again`, onclick: () => restoreConcept(concept) }, 'Show again'),
      ),
    ),
  );
}

function showLinkList(): void {
  const answersOf = (edge: Edge) =>
    [...new Set([...state.answers.values()].filter(({ answer }) => answer.edge && linkId(answer.edge.source.id, answer.edge.target.id) === linkId(edge.source.id, edge.target.id)).map(({ index }) => index))];
  panel.links(graph.links(), (edge) => (graph.isWalked(edge.source.id, edge.target.id) ? answersOf(edge) : []), (edge) => void openLink(edge.source.id, edge.target.id));
}

// ---------- the year filter ----------

function yearsLabel(years: number[] | null): string {
  if (!years) return '';
  const first = years[0];
  const last = years[years.length - 1];
  return first === last ? ` in the selected years (${first})` : ` in the selected years (${first}–${last})`;
}

/** Tells which years the articles behind the current graph come from, so the filter is not a guess. */
function showKnownYears(years: number[], links: number): void {
  const hint = byId('year-hint');
  const list = byId('known-years');
  list.replaceChildren(...years.map((y) => h('option', { value: y })));
  if (links === 0) hint.textContent = '';
  else if (years.length === 0) hint.textContent = 'The articles behind this graph have no publication year, so a year filter hides them all.';
  else if (years.length === 1) hint.textContent = `The articles behind this graph are from ${years[0]}.`;
  else hint.textContent = `The articles behind this graph are from ${years.join(', ')}.`;
}

function readYears(): number[] | null | 'invalid' {
  yearError.textContent = '';
  const parse = (input: HTMLInputElement) => (input.value.trim() === '' ? null : Number(input.value));
  let from = parse(yearFrom);
  let to = parse(yearTo);
  for (const [value, input] of [[from, yearFrom], [to, yearTo]] as const) {
    input.removeAttribute('aria-invalid');
    if (value !== null && (!Number.isInteger(value) || value < 1000 || value > 9999)) {
      yearError.textContent = 'A year is four digits, like 2003.';
      input.setAttribute('aria-invalid', 'true');
      return 'invalid';
    }
  }
  if (from === null && to === null) return null;
  from ??= to!;
  to ??= from;
  if (from > to) {
    yearError.textContent = 'The first year must not be after the second.';
    yearFrom.setAttribute('aria-invalid', 'true');
    return 'invalid';
  }
  if (to - from > MAX_YEAR_SPAN) {
    yearError.textContent = `Choose at most ${MAX_YEAR_SPAN} years.`;
    return 'invalid';
  }
  return Array.from({ length: to - from + 1 }, (_, i) => from! + i);
}

function applyYears(years: number[] | null): void {
  state.years = years;
  if (!rerunView()) setStatus(graphStatus, 'hint', years ? `Showing only ${years[0]}–${years[years.length - 1]}. Ask a question or search concepts.` : 'Showing all years.');
}

/** Asks the server again for what the page shows (after a change of years or hidden concepts); false when it shows nothing yet. */
function rerunView(): boolean {
  const view = state.view;
  if (view?.kind === 'ask') void askQuestion(view.question);
  else if (view?.kind === 'search') void searchConcepts(view.text);
  else return false;
  return true;
}

// ---------- wiring ----------

askForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void askQuestion(questionInput.value);
});
questionInput.addEventListener('input', () => {
  if (questionInput.value.trim() !== '') {
    askError.textContent = '';
    questionInput.removeAttribute('aria-invalid');
  }
});
searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void searchConcepts(searchInput.value);
});
yearForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const years = readYears();
  if (years !== 'invalid') applyYears(years);
});
byId('year-clear').addEventListener('click', () => {
  yearFrom.value = '';
  yearTo.value = '';
  readYears();
  applyYears(null);
});
byId('connection-retry').addEventListener('click', () => void loadOverview());
hidden.onChange(showHiddenList);
showHiddenList();

void loadOverview();
const initial = new URL(location.href).searchParams.get('q');
if (initial) {
  questionInput.value = initial;
  void askQuestion(initial);
}
