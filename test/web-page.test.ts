import express from 'express';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, screenshot, screenshotDir, type WatchedPage } from './support/browser.js';
import { cord19Dir, graphql, repoRoot, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { generateTinyModel } from './support/model.js';
import { webBundleDir, webPageRouter } from '../src/server/web-page.js';

const QUESTION = 'What is the structure of the coronavirus main proteinase?';

const ASK = `query($q: String!) { ask(question: $q) {
  concepts { id }
  answers { text start end cached passage { key text article { title } } edge { source { id name } target { id name } } } } }`;

interface ApiAnswer {
  text: string;
  start: number;
  end: number;
  cached: boolean;
  passage: { key: string; text: string; article: { title: string } };
  edge: { source: { id: string; name: string }; target: { id: string; name: string } } | null;
}

/** What the page shows for each answer, read from the DOM. */
async function shownAnswers(page: Page) {
  return page.$$eval('[data-testid=answer]', (items) =>
    items.map((item) => {
      const passage = item.querySelector('[data-testid=answer-passage]')!;
      const marks = [...passage.querySelectorAll('mark')];
      const mark = marks[0];
      // Offset of the mark within the passage's text, counted over the text nodes before it.
      let offset = 0;
      const walker = document.createTreeWalker(passage, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node && !mark.contains(node); node = walker.nextNode()) offset += node.textContent!.length;
      return {
        passage: passage.textContent!,
        marks: marks.length,
        mark: mark?.textContent ?? null,
        offset,
        article: item.querySelector('[data-testid=answer-article]')!.textContent!,
        score: item.querySelector('.score')!.textContent!,
        badge: item.querySelector('.badge')!.textContent!,
      };
    }),
  );
}

/**
 * Brings the graph into view and waits two frames: cytoscape learns where its canvas is from the page's scroll
 * event, and a click before that event would land on the wrong spot.
 */
async function showGraph(page: Page): Promise<void> {
  await page.locator('#graph').scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Where on the page a concept of the graph is drawn: `id`, or else the strongest concept not in the question. */
async function conceptPoint(page: Page, id?: string): Promise<{ x: number; y: number; id: string; name: string }> {
  await showGraph(page);
  return page.evaluate((wanted) => {
    const { cy } = (window as any).kgqa;
    const box = cy.container().getBoundingClientRect();
    const node = wanted ? cy.getElementById(wanted) : cy.nodes('.concept').not('.question').max((n: any) => n.data('rank')).ele;
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y, id: node.id(), name: node.data('label') };
  }, id ?? null);
}

/** Clicks a link (an edge) of the graph where no node or answer tag covers it; returns the link's id. */
async function clickLink(page: Page, selector: string, only?: string[]): Promise<{ source: string; target: string }> {
  await showGraph(page);
  const point = await page.evaluate(([edgeSelector, allowed]) => {
    const { cy } = (window as any).kgqa;
    const box = cy.container().getBoundingClientRect();
    for (const edge of cy.edges(edgeSelector)) {
      if (allowed && !allowed.includes([edge.data('source'), edge.data('target')].sort().join('|'))) continue;
      const a = edge.source().renderedPosition();
      const b = edge.target().renderedPosition();
      for (const t of [0.35, 0.65, 0.5, 0.25, 0.75]) {
        const p = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
        const covered = cy.nodes().some((n: any) => {
          const bb = n.renderedBoundingBox({ includeLabels: true });
          return p.x >= bb.x1 - 4 && p.x <= bb.x2 + 4 && p.y >= bb.y1 - 4 && p.y <= bb.y2 + 4;
        });
        const crowded = cy.edges('.link').some((other: any) => {
          if (other.same(edge)) return false;
          const u = other.source().renderedPosition();
          const v = other.target().renderedPosition();
          const length2 = (v.x - u.x) ** 2 + (v.y - u.y) ** 2 || 1;
          const k = Math.max(0, Math.min(1, ((p.x - u.x) * (v.x - u.x) + (p.y - u.y) * (v.y - u.y)) / length2));
          return Math.hypot(p.x - (u.x + k * (v.x - u.x)), p.y - (u.y + k * (v.y - u.y))) < 12;
        });
        const inside = p.x > 5 && p.y > 5 && p.x < box.width - 5 && p.y < box.height - 5;
        const visible = inside && box.top + p.y > 0 && box.top + p.y < window.innerHeight - 5;
        if (!covered && !crowded && visible) return { x: box.left + p.x, y: box.top + p.y, source: edge.data('source'), target: edge.data('target') };
      }
    }
    return null;
  }, [selector, only ?? null] as const);
  expect(point, `no clickable link matches ${selector}`).not.toBeNull();
  await page.mouse.click(point!.x, point!.y);
  return { source: point!.source, target: point!.target };
}

describe('the web page in Chromium, served by kgqa over the CORD-19 sample (tiny generated model)', () => {
  let server: ServerProcess;
  let modelless: ServerProcess | undefined;
  let saysNoAnswer: ServerProcess | undefined;
  let model: string;
  let dataDir: string;
  let origin: string;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'web', 'build.mjs')], { stdio: 'pipe' });
    model = generateTinyModel();
    dataDir = temporaryDir();
    const ingest = await runCli(['ingest', cord19Dir, '--data-dir', dataDir, '--model', model]);
    expect(ingest.code).toBe(0);
    server = await startServer(['--data-dir', dataDir, '--model', model]);
    origin = new URL(server.url).origin;
    const root = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    if (root.status === 404) {
      throw new Error('kgqa serve does not serve the web page at /: mount webPageRouter() from src/server/web-page.ts before the GraphQL routes');
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await modelless?.stop();
    await saysNoAnswer?.stop();
  });

  it('serves the page at / from the server alone, says the model is random, and keeps GraphiQL at /graphql', async () => {
    const response = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(response.status, 'kgqa serve must mount webPageRouter() (src/server/web-page.ts)').toBe(200);
    expect(await response.text()).toMatch(/<title>kgqa/);
    expect(response.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);

    watched = await openPage(browser, `${origin}/`);
    page = watched.page;
    await expect.poll(() => page.textContent('#stats')).toMatch(/22 articles · [\d,]+ sentences/);
    const banner = page.locator('#model-banner');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toMatch(/random weights — the answers are NOT meaningful/);
    expect(await page.textContent('[data-testid=model-name]')).toBe('bert-tiny');
    expect(await page.getByRole('textbox', { name: 'Your question' }).isVisible()).toBe(true);
    expect(await page.getByRole('searchbox', { name: 'Search concepts' }).isVisible()).toBe(true);
    expect(await page.getByLabel('From year').isVisible()).toBe(true);
    await screenshot(page, 'web-page-1-start');

    // Offline: every request the page made went to kgqa itself.
    expect(watched.requests.length).toBeGreaterThan(2);
    expect(watched.requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);

    const graphiql = await browser.newPage();
    await graphiql.goto(`${origin}/graphql`);
    expect(await graphiql.title()).toBe('kgqa GraphiQL');
    await graphiql.close();
  });

  it('asks a question: a loading state, then answers highlighted inside their sentences, with article, score and cache state', async () => {
    // Hold the first answer back long enough to see the loading state.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('query Ask')) await held;
      await route.continue();
    });
    await page.getByRole('textbox', { name: 'Your question' }).fill(QUESTION);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForSelector('#answers-status[data-state=loading]');
    expect(await page.textContent('#answers-status')).toMatch(/Finding answers/);
    expect(await page.isDisabled('#ask-button')).toBe(true);
    await screenshot(page, 'web-page-2-loading');
    release();
    await page.waitForSelector('[data-testid=answer]');
    await page.unroute('**/graphql');

    const shown = await shownAnswers(page);
    // The page's request put the answers in the cache, so asking again gives the same answers.
    const api = await graphql<{ ask: { concepts: { id: string }[]; answers: ApiAnswer[] } }>(server.url, ASK, { q: QUESTION });
    expect(api.errors).toBeUndefined();
    const answers = api.data!.ask.answers;
    expect(answers.length).toBeGreaterThan(0);
    expect(shown).toHaveLength(answers.length);
    shown.forEach((item, i) => {
      const answer = answers[i];
      expect(item.marks).toBe(1);
      expect(item.mark).toBe(answer.text);
      expect(item.passage).toBe(answer.passage.text);
      // The highlight lies within the shown passage, exactly where the answer's offsets put it.
      expect(item.passage.slice(item.offset, item.offset + item.mark!.length)).toBe(item.mark);
      expect(item.offset).toBe(answer.start);
      expect(item.article).toContain(answer.passage.article.title);
      expect(item.score).toMatch(/^score \d/);
      expect(item.badge).toBe('new');
    });

    // The graph: question concepts, the links walked to the answers and one tag per answer.
    const graph = await page.evaluate(() => {
      const { cy } = (window as any).kgqa;
      return {
        question: cy.nodes('.question').map((n: any) => n.id()).sort(),
        walked: cy.edges('.walked').length,
        answers: cy.nodes('.answer').length,
        concepts: cy.nodes('.concept').length,
        links: cy.edges('.link').length,
      };
    });
    expect(graph.question).toEqual(api.data!.ask.concepts.map((c) => c.id).sort());
    expect(graph.answers).toBe(answers.length);
    expect(graph.walked).toBe(new Set(answers.filter((a) => a.edge).map((a) => [a.edge!.source.id, a.edge!.target.id].sort().join())).size);
    expect(graph.links).toBeGreaterThan(graph.walked);
    expect(graph.concepts).toBeGreaterThan(graph.question.length);
    await screenshot(page, 'web-page-3-answers');

    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(async () => (await shownAnswers(page)).map((a) => a.badge)).toEqual(answers.map(() => 'cached'));
  });

  it('clicking a link in the graph shows its ranked sentences with their articles, the answering one marked', async () => {
    // Links that led to an answer's passage through one of the link's first 20 sentences (the ones the panel shows).
    type Asked = { passage: { sentences: { key: string }[] }; spans: { sentence: { key: string } }[]; edge: ApiAnswer['edge'] };
    const asked = await graphql<{ ask: { answers: Asked[] } }>(
      server.url,
      `query($q: String!) { ask(question: $q) { answers { passage { sentences { key } } spans { sentence { key } } edge { source { id } target { id } } } } }`,
      { q: QUESTION },
    );
    const answering = new Map<string, { flagged: number; marked: number }>();
    for (const answer of asked.data!.ask.answers) {
      if (!answer.edge) continue;
      const id = [answer.edge.source.id, answer.edge.target.id].sort().join('|');
      const link = await graphql(server.url, `query($s: ID!, $t: ID!) { edge(source: $s, target: $t) { sentences(first: 20) { key } } }`, {
        s: answer.edge.source.id,
        t: answer.edge.target.id,
      });
      const keys: string[] = link.data.edge.sentences.map((s: { key: string }) => s.key);
      const flagged = keys.filter((key) => answer.passage.sentences.some((s) => s.key === key)).length;
      const marked = keys.filter((key) => answer.spans.some((span) => span.sentence.key === key)).length;
      const known = answering.get(id) ?? { flagged: 0, marked: 0 };
      if (flagged > 0) answering.set(id, { flagged: known.flagged + flagged, marked: known.marked + marked });
    }
    expect(answering.size).toBeGreaterThan(0);
    const { source, target } = await clickLink(page, '.walked', [...answering.keys()]);
    const edge = await graphql(
      server.url,
      `query($s: ID!, $t: ID!) { edge(source: $s, target: $t) { rank source { name } target { name } sentences(first: 20) { key text article { title } } } }`,
      { s: source, t: target },
    );
    const expected = edge.data.edge;
    await expect.poll(() => page.textContent('#side-heading')).toBe(`${expected.source.name} — ${expected.target.name}`);
    await page.waitForSelector('[data-testid=link-sentence]');
    const sentences = await page.$$eval('[data-testid=link-sentence]', (items) =>
      items.map((item) => ({ text: item.querySelector('.sentence-text')!.textContent, article: item.querySelector('cite')!.textContent })),
    );
    expect(sentences.map((s) => s.text)).toEqual(expected.sentences.map((s: { text: string }) => s.text));
    sentences.forEach((s, i) => expect(s.article).toContain(expected.sentences[i].article.title));
    // The link led to an answer's passage: the passage's sentences on the link are flagged, the answer marked where it lies.
    expect(await page.textContent('#side-content')).toMatch(/This link led to A\d+/);
    const expectedMarks = answering.get([source, target].sort().join('|'))!;
    expect(await page.locator('.link-sentence.answering').count()).toBe(expectedMarks.flagged);
    expect(await page.locator('.link-sentence.answering mark').count()).toBe(expectedMarks.marked);
    expect(await page.evaluate(() => (window as any).kgqa.cy.edges('.chosen').length)).toBe(1);
    await screenshot(page, 'web-page-4-link');
  });

  it('searches concepts, expands a clicked concept, and filters by year', async () => {
    await page.getByRole('searchbox', { name: 'Search concepts' }).fill('spike glycoprotein');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.textContent('#graph-status')).toMatch(/^Found .* and \d+ links?/);
    expect(await page.textContent('#year-hint')).toMatch(/have no publication year/);
    const before = await page.evaluate(() => (window as any).kgqa.cy.nodes('.concept').length);
    expect(before).toBeGreaterThan(1);

    // Click a concept that is not yet expanded: its neighbours join the graph.
    const point = await conceptPoint(page);
    await page.mouse.click(point.x, point.y);
    await expect.poll(() => page.textContent('#graph-status')).toMatch(/^Added \d+ links? around/);
    expect(await page.textContent('#side-heading')).toBe(point.name);
    expect(await page.evaluate(() => (window as any).kgqa.cy.nodes('.concept').length)).toBeGreaterThan(before);
    await screenshot(page, 'web-page-5-explore');

    // The CORD-19 sample has no publication years, so a year filter leaves no links.
    await page.getByLabel('From year').fill('2010');
    await page.getByLabel('To year').fill('2000');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.textContent('#year-error')).toMatch(/must not be after/);
    await page.getByLabel('To year').fill('2020');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.textContent('#graph-status')).toMatch(/and 0 links in the selected years \(2010–2020\)/);
    await page.getByRole('button', { name: 'All years' }).click();
    await expect.poll(() => page.textContent('#graph-status')).toMatch(/and [1-9]\d* links?\. /);
  });

  it('hides a concept from the graph and restores it, remembered in the browser', async () => {
    const SEARCH = 'spike glycoprotein';
    // The status line of the last test already reads "Found …": the click sets it loading, so wait for it to settle.
    const search = async () => {
      await page.getByRole('searchbox', { name: 'Search concepts' }).fill(SEARCH);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForSelector('#graph-status[data-state=info]');
      expect(await page.textContent('#graph-status')).toMatch(/^Found .* and \d+ links?/);
    };
    await search();
    const target = await conceptPoint(page);
    await page.mouse.click(target.x, target.y);
    await expect.poll(() => page.textContent('#side-heading')).toBe(target.name);
    await page.getByTestId('hide-concept').click();

    const drawn = () => page.evaluate((id) => (window as any).kgqa.cy.getElementById(id).nonempty(), target.id);
    expect(await drawn()).toBe(false);
    expect(await page.evaluate((id) => (window as any).kgqa.cy.edges(`[source = "${id}"], [target = "${id}"]`).length, target.id)).toBe(0);
    expect(await page.locator('#side-content .link-button', { hasText: target.name }).count()).toBe(0);
    expect(await page.getByTestId('hidden-concept').allTextContents()).toEqual([`${target.name}Show again`]);
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('kgqa.hiddenConcepts')))!)).toEqual([{ id: target.id, name: target.name }]);
    await screenshot(page, 'web-page-hidden-concept');

    // Remembered: after a reload the same search leaves it out, asked of the server with `exclude` (which otherwise returns it).
    const api = await graphql(server.url, `query($t: String!) { search(text: $t, limit: 40) { links { source { id } target { id } } } }`, { t: SEARCH });
    expect(api.data.search.links.some((l: any) => l.source.id === target.id || l.target.id === target.id)).toBe(true);
    await page.reload();
    const sent = page.waitForRequest((request) => request.method() === 'POST' && (request.postData() ?? '').includes('query Search'));
    await search();
    expect(JSON.parse((await sent).postData()!).variables.exclude).toEqual([target.id]);
    expect(await drawn()).toBe(false);
    expect(await page.getByTestId('hidden-concept').count()).toBe(1);

    await page.getByRole('button', { name: `Show ${target.name} again` }).click();
    await expect.poll(drawn).toBe(true);
    expect(await page.getByTestId('hidden-concept').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('kgqa.hiddenConcepts'))).toBe('[]');
    expect(watched.problems).toEqual([]);
  });

  it('keeps the graph readable at 30 and 100 links: labels never overlap, the strongest concepts are named, the rest on hover', async () => {
    for (const size of [30, 100]) {
      const found = await graphql(
        server.url,
        `query($t: String!, $n: Int) { search(text: $t, limit: $n) { concepts { id name rank } links { source { id name rank } target { id name rank } rank weight years } } }`,
        { t: 'coronavirus virus infection protein', n: size },
      );
      const { concepts, links } = found.data.search;
      expect(links).toHaveLength(size);
      await showGraph(page);
      // The page's own drawing path (graph.show), fed the server's search at this size.
      await page.evaluate(({ concepts, links }) => {
        const { graph } = (window as any).kgqa;
        graph.show({ concepts, edges: links, question: new Set(concepts.map((c: any) => c.id)), walked: new Set(), answers: [] });
      }, { concepts, links });
      // Measured as drawn: after the frames in which the page places labels again (after the layout's zoom).
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const labels = await page.evaluate(
        () => {
          const { cy } = (window as any).kgqa;
          const shown = cy.nodes('.concept').filter((n: any) => !n.hasClass('label-off'));
          const boxes = shown.map((n: any) => ({ id: n.id(), ...n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true }) }));
          const overlapping = boxes.flatMap((a: any, i: number) =>
            boxes.slice(i + 1).filter((b: any) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2).map((b: any) => `${a.id} / ${b.id}`),
          );
          // Every label left off would, below its node, cover a shown label or (unless it is the question's) another node.
          const bodies = cy.nodes().map((n: any) => ({ id: n.id(), ...n.renderedBoundingBox({ includeLabels: false }) }));
          const needlesslyOff = cy
            .nodes('.concept.label-off')
            .filter((n: any) => {
              const label = n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
              const hits = (b: any) => label.x1 < b.x2 && b.x1 < label.x2 && label.y1 < b.y2 && b.y1 < label.y2;
              return !boxes.some(hits) && (n.hasClass('question') || !bodies.some((b: any) => b.id !== n.id() && hits(b)));
            })
            .map((n: any) => n.id());
          const strongestQuestion = cy.nodes('.question').max((n: any) => n.connectedEdges('.link').length).ele;
          return {
            nodes: cy.nodes('.concept').length,
            links: cy.edges('.link').length,
            shown: shown.length,
            overlapping,
            needlesslyOff,
            strongestQuestionShown: !strongestQuestion.hasClass('label-off'),
            unlabelled: cy.nodes('.concept.label-off').map((n: any) => n.id()),
          };
        },
      );
      expect(labels.links).toBe(size);
      expect(labels.overlapping).toEqual([]);
      expect(labels.needlesslyOff).toEqual([]);
      expect(labels.strongestQuestionShown).toBe(true);
      console.log(`${size} links: ${labels.nodes} concepts, ${labels.shown} labelled`);
      await page.locator('#graph').screenshot({ path: join(screenshotDir, `graph-${size}-links.png`) });
      if (labels.unlabelled.length > 0) {
        // A concept without a label shows it on hover.
        const point = await conceptPoint(page, labels.unlabelled[0]);
        await page.mouse.move(point.x, point.y);
        await expect.poll(() => page.evaluate((id) => (window as any).kgqa.cy.getElementById(id).hasClass('label-hover'), labels.unlabelled[0])).toBe(true);
        await page.locator('#graph').screenshot({ path: join(screenshotDir, `graph-${size}-links-hover.png`) });
        await page.mouse.move(0, 0);
      }
    }
    expect(watched.problems).toEqual([]);
  });

  it('shows empty and bad-input states in words', async () => {
    const question = page.getByRole('textbox', { name: 'Your question' });
    await question.fill('   ');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    expect(await page.textContent('#ask-error')).toBe('Type a question first.');
    expect(await question.getAttribute('aria-invalid')).toBe('true');

    await question.fill('coronavirus '.repeat(90));
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.textContent('#ask-error')).toMatch(/The server rejected the input: "question" must be at most 1000 characters/);
    await screenshot(page, 'web-page-6-bad-input');

    await question.fill('Zyxwv qoph blorfs?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.textContent('#answers-status')).toMatch(/No answer found\. No passage of the articles matches the words of your question/);
    expect(await page.textContent('#ask-error')).toBe('');
    expect(await page.locator('[data-testid=answer]').count()).toBe(0);
    await screenshot(page, 'web-page-7-no-answer');
    expect(watched.problems).toEqual([]);
  });

  it('says so when the server is unreachable, and recovers when it is back (here without a model)', async () => {
    await server.stop();
    await page.getByRole('textbox', { name: 'Your question' }).fill(QUESTION);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const banner = page.locator('#connection-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toMatch(/Cannot reach the kgqa server/);
    expect(await page.textContent('#answers-status')).toMatch(/The server could not be reached/);
    expect(await page.isDisabled('#ask-button')).toBe(false);
    await screenshot(page, 'web-page-8-unreachable');

    // Back on the same port, this time without a QA model: "Try again" clears the banner.
    modelless = await startServer(['--data-dir', dataDir, '--port', new URL(origin).port]);
    await page.getByRole('button', { name: 'Try again' }).click();
    await banner.waitFor({ state: 'hidden' });
    expect(await page.textContent('#stats')).toMatch(/22 articles/);
    expect(await page.textContent('#model-banner')).toMatch(/No QA model: this server cannot answer questions/);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.textContent('#answers-status')).toMatch(/runs without a QA model/);
    await expect.poll(() => page.evaluate(() => (window as any).kgqa.cy.nodes('.question').length)).toBeGreaterThan(0);
    await screenshot(page, 'web-page-9-no-model');
  });

  it('says "no answer found" in the passages read when the model says none of them answers', async () => {
    await modelless!.stop();
    // A threshold of -1: every passage's null score wins.
    saysNoAnswer = await startServer(['--data-dir', dataDir, '--port', new URL(origin).port, '--model', model, '--unanswerable', 'on', '--null-threshold', '-1']);
    await page.reload();
    await expect.poll(() => page.textContent('[data-testid=model-name]')).toBe('bert-tiny');
    await page.getByRole('textbox', { name: 'Your question' }).fill(QUESTION);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.textContent('#answers-status')).toMatch(/No answer found in the \d+ passages read: the model says none of them answers the question/);
    expect(await page.locator('[data-testid=answer]').count()).toBe(0);
    await screenshot(page, 'web-page-10-model-says-no-answer');
  });
});

describe('webPageRouter', () => {
  async function serve(router: express.Router) {
    const app = express();
    app.use(router);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }

  it('answers 503 with instructions while the bundle is not built', async () => {
    const { base, close } = await serve(webPageRouter({ dir: join(temporaryDir(), 'missing') }));
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/has not been built.*npm run build/s);
      expect((await fetch(`${base}/web-assets/app.js`)).status).toBe(503);
      expect((await fetch(`${base}/graphql`)).status).toBe(404);
    } finally {
      close();
    }
  });

  it('serves the built page and its assets, and nothing else', async () => {
    execFileSync(process.execPath, [join(repoRoot, 'web', 'build.mjs')], { stdio: 'pipe' });
    const { base, close } = await serve(webPageRouter({ dir: webBundleDir }));
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:href|src)="(web-assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.sort()).toEqual(['web-assets/app.css', 'web-assets/app.js']);
      const script = await fetch(`${base}/web-assets/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${base}/web-assets/app.css`)).headers.get('content-type')).toMatch(/^text\/css/);
      expect((await fetch(`${base}/web-assets/nope.js`)).status).toBe(404);
      expect((await fetch(`${base}/web-assets/../index.html`)).status).not.toBe(500);
      expect((await fetch(`${base}/graphql`)).status).toBe(404);
    } finally {
      close();
    }
  });
});
