import cytoscape, { type Core, type ElementDefinition, type EventObject } from 'cytoscape';
import type { Concept, Edge } from './api.js';

/** An answer as the graph shows it: a small node tied to the concepts that led to its sentence. */
export interface GraphAnswer {
  index: number;
  conceptIds: string[];
}

export interface GraphView {
  concepts: Concept[];
  edges: Edge[];
  /** Concepts matched in the question. */
  question: Set<string>;
  /** Edges that led to an answering sentence (ids from linkId). */
  walked: Set<string>;
  answers: GraphAnswer[];
}

export interface GraphHandlers {
  onConcept(id: string): void;
  onLink(source: string, target: string): void;
  onAnswer(index: number): void;
}

export function linkId(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

const answerNodeId = (index: number) => `answer:${index}`;

const COLORS = {
  concept: '#dbe4f0',
  conceptBorder: '#60738d',
  question: '#f6b93b',
  questionBorder: '#a05a00',
  link: '#9aa8bb',
  walked: '#e8590c',
  selected: '#1f6feb',
  answer: '#1f883d',
  text: '#1c2533',
};

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node.concept',
    style: {
      width: 'data(size)',
      height: 'data(size)',
      'background-color': COLORS.concept,
      'border-width': 1.5,
      'border-color': COLORS.conceptBorder,
      label: 'data(label)',
      color: COLORS.text,
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-outline-color': '#ffffff',
      'text-outline-width': 2,
      'text-wrap': 'ellipsis',
      'text-max-width': '120px',
      'min-zoomed-font-size': 6,
    },
  },
  { selector: 'node.concept.expanded', style: { 'border-style': 'double', 'border-width': 4 } },
  {
    selector: 'node.concept.question',
    style: {
      'background-color': COLORS.question,
      'border-color': COLORS.questionBorder,
      'border-width': 3,
      'font-weight': 'bold',
      'font-size': 13,
      'text-max-width': '200px',
      'z-index': 10,
    },
  },
  {
    selector: 'edge.link',
    style: {
      width: 'data(width)',
      'line-color': COLORS.link,
      opacity: 0.6,
      'curve-style': 'bezier',
    },
  },
  { selector: 'edge.link.walked', style: { 'line-color': COLORS.walked, opacity: 1, 'z-index': 10 } },
  {
    selector: 'edge.link.chosen',
    style: {
      'line-color': COLORS.selected,
      opacity: 1,
      'z-index': 20,
      label: 'data(label)',
      'font-size': 11,
      color: COLORS.selected,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': '2px',
    },
  },
  {
    selector: 'node.answer',
    style: {
      shape: 'round-rectangle',
      width: 28,
      height: 20,
      'background-color': COLORS.answer,
      'border-width': 0,
      label: 'data(label)',
      color: '#ffffff',
      'font-size': 11,
      'font-weight': 'bold',
      'font-family': 'system-ui, sans-serif',
      'text-valign': 'center',
      'text-halign': 'center',
      'z-index': 30,
    },
  },
  {
    selector: 'edge.provenance',
    // Clicks pass through to the link underneath.
    style: { width: 1.5, 'line-color': COLORS.answer, 'line-style': 'dashed', opacity: 0.9, 'curve-style': 'straight', events: 'no' },
  },
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: 'node.chosen', style: { 'border-color': COLORS.selected, 'border-width': 4 } },
  // Labels that would overlap a stronger one or another node stay off until hovered or chosen (placeLabels).
  { selector: 'node.concept.label-off', style: { 'text-opacity': 0 } },
  { selector: 'node.concept.label-above', style: { 'text-valign': 'top', 'text-margin-y': -3 } },
  {
    selector: 'node.concept.label-hover',
    style: {
      'text-opacity': 1,
      'z-index': 40,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': '2px',
      'text-max-width': '320px',
    },
  },
];

export class ConceptGraph {
  readonly cy: Core;
  private labelFactor = 1;
  private view: GraphView = { concepts: [], edges: [], question: new Set(), walked: new Set(), answers: [] };

  private labelsPending = false;

  constructor(
    container: HTMLElement,
    private readonly handlers: GraphHandlers,
    /** Shown while the graph is empty. */
    private readonly placeholder?: HTMLElement,
    /** Concepts the person hid: never drawn, nor their links. */
    private readonly isHidden: (id: string) => boolean = () => false,
  ) {
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: false,
    });
    this.cy.on('tap', 'node.concept', (event: EventObject) => this.handlers.onConcept(event.target.id()));
    this.cy.on('tap', 'edge.link', (event: EventObject) => {
      const data = event.target.data();
      this.handlers.onLink(data.source, data.target);
    });
    this.cy.on('tap', 'node.answer', (event: EventObject) => this.handlers.onAnswer(event.target.data('index')));
    this.cy.on('zoom', () => {
      this.keepLabelsReadable();
      this.placeLabelsSoon();
    });
    this.cy.on('dragfree', 'node', () => this.placeLabelsSoon());
    this.cy.on('mouseover', 'node.concept', (event: EventObject) => void event.target.addClass('label-hover'));
    this.cy.on('mouseout', 'node.concept', (event: EventObject) => void event.target.removeClass('label-hover'));
    this.cy.on('add remove', () => {
      if (this.placeholder) this.placeholder.hidden = this.cy.elements().nonempty();
    });
    // Status lines above the graph change height without a scroll event, which is when cytoscape re-reads where its
    // canvas is; re-read it as the pointer arrives, or clicks land beside what they aim at.
    container.addEventListener('pointerenter', () => this.cy.resize());
    this.cy.on('mouseover', 'node, edge.link', () => (container.style.cursor = 'pointer'));
    this.cy.on('mouseout', 'node, edge.link', () => (container.style.cursor = ''));
  }

  get isEmpty(): boolean {
    return this.cy.elements().empty();
  }

  /** The concepts drawn (hidden ones left out). */
  concepts(): Concept[] {
    return this.view.concepts.filter((c) => !this.isHidden(c.id));
  }

  /** Links drawn, strongest (walked first, then by rank) first. */
  links(): Edge[] {
    return this.view.edges.filter((e) => !this.isHidden(e.source.id) && !this.isHidden(e.target.id)).sort(
      (a, b) =>
        Number(this.view.walked.has(linkId(b.source.id, b.target.id))) - Number(this.view.walked.has(linkId(a.source.id, a.target.id))) ||
        b.rank - a.rank,
    );
  }

  isWalked(source: string, target: string): boolean {
    return this.view.walked.has(linkId(source, target));
  }

  /** Replaces the whole graph. */
  show(view: GraphView): void {
    const edges = uniqueEdges(view.edges);
    this.view = { ...view, concepts: unique([...view.concepts, ...edges.flatMap((e) => [e.source, e.target])]), edges };
    this.cy.elements().remove();
    this.cy.add(this.elements());
    this.layout(true);
  }

  /** Adds a concept's neighbours around it; returns how many links were new. */
  expand(conceptId: string, edges: Edge[]): number {
    const known = new Set(this.view.edges.map((e) => linkId(e.source.id, e.target.id)));
    const fresh = uniqueEdges(edges).filter((e) => !known.has(linkId(e.source.id, e.target.id)));
    this.view.edges.push(...fresh);
    this.view.concepts = unique([...this.view.concepts, ...fresh.flatMap((e) => [e.source, e.target])]);
    const center = this.cy.getElementById(conceptId);
    const origin = center.nonempty() ? center.position() : { x: 0, y: 0 };
    const existing = new Set(this.cy.nodes().map((n) => n.id()));
    const additions = this.elements().filter((el) => el.data.id !== undefined && !existing.has(el.data.id) && this.cy.getElementById(el.data.id).empty());
    for (const el of additions) {
      if (el.group !== 'nodes') continue;
      const h = hash(el.data.id!);
      el.position = { x: origin.x + (h % 41) - 20, y: origin.y + (Math.floor(h / 41) % 41) - 20 };
    }
    this.cy.add(additions);
    center.addClass('expanded');
    this.restyleSizes();
    this.layout(false);
    return fresh.length;
  }

  /** Takes a concept the person just hid off the graph, with its links; the rest stays where it is. */
  hide(id: string): void {
    this.cy.getElementById(id).remove();
    this.placeLabels();
  }

  /** Draws the current view again, e.g. after a hidden concept was restored. */
  redraw(): void {
    this.cy.elements().remove();
    this.cy.add(this.elements());
    this.layout(true);
  }

  /** Marks one link as the one being read in the side panel. */
  chooseLink(source: string | null, target?: string): void {
    this.cy.elements().removeClass('chosen');
    if (source && target) this.cy.getElementById(linkId(source, target)).addClass('chosen');
    this.placeLabels();
  }

  chooseConcept(id: string | null): void {
    this.cy.elements().removeClass('chosen');
    if (id) this.cy.getElementById(id).addClass('chosen');
    this.placeLabels();
  }

  /** Fades everything but one answer and the concepts and link that led to it; null shows everything. */
  focusAnswer(index: number | null): void {
    this.cy.elements().removeClass('faded');
    if (index === null) return;
    const node = this.cy.getElementById(answerNodeId(index));
    if (node.empty()) return;
    const keep = node.closedNeighborhood();
    const ends = keep.nodes('.concept');
    const links = ends.edgesWith(ends).filter('.walked');
    this.cy.elements().not(keep.union(links).union(links.connectedNodes())).addClass('faded');
  }

  clear(): void {
    this.view = { concepts: [], edges: [], question: new Set(), walked: new Set(), answers: [] };
    this.cy.elements().remove();
  }

  private elements(): ElementDefinition[] {
    const shown = this.concepts();
    const present = new Set(shown.map((c) => c.id));
    const nodes: ElementDefinition[] = shown.map((c) => ({
      group: 'nodes',
      data: { id: c.id, label: c.name, rank: c.rank, size: 20 },
      classes: this.view.question.has(c.id) ? 'concept question' : 'concept',
    }));
    const links: ElementDefinition[] = this.view.edges
      .filter((e) => present.has(e.source.id) && present.has(e.target.id))
      .map((e) => {
        const id = linkId(e.source.id, e.target.id);
        return {
          group: 'edges',
          data: {
            id,
            source: e.source.id,
            target: e.target.id,
            rank: e.rank,
            width: 2,
            label: `${e.rank} sentence${e.rank === 1 ? '' : 's'}`,
          },
          classes: this.view.walked.has(id) ? 'link walked' : 'link',
        };
      });
    const answers: ElementDefinition[] = this.view.answers.flatMap((a) => [
      { group: 'nodes', data: { id: answerNodeId(a.index), label: `A${a.index + 1}`, index: a.index }, classes: 'answer' },
      ...a.conceptIds
        .filter((id) => present.has(id))
        .map((id) => ({ group: 'edges' as const, data: { id: `provenance:${a.index}:${id}`, source: answerNodeId(a.index), target: id }, classes: 'provenance' })),
    ]);
    const all = [...nodes, ...links, ...answers];
    this.sizeElements(all);
    return all;
  }

  /** Node size by concept rank, link width by edge rank, both relative to the largest on screen. */
  private sizeElements(elements: ElementDefinition[]): void {
    const nodeMax = Math.max(1, ...elements.filter((e) => e.group === 'nodes' && e.data.rank).map((e) => e.data.rank as number));
    const linkMax = Math.max(1, ...elements.filter((e) => e.group === 'edges' && e.data.rank).map((e) => e.data.rank as number));
    for (const e of elements) {
      if (e.group === 'nodes' && e.data.rank) e.data.size = nodeSize(e.data.rank, nodeMax, this.view.question.has(e.data.id!));
      if (e.group === 'edges' && e.data.rank) e.data.width = 1 + 9 * Math.sqrt(e.data.rank / linkMax);
    }
  }

  private restyleSizes(): void {
    const nodes = this.cy.nodes('.concept');
    const links = this.cy.edges('.link');
    const nodeMax = Math.max(1, ...nodes.map((n) => n.data('rank') as number));
    const linkMax = Math.max(1, ...links.map((l) => l.data('rank') as number));
    nodes.forEach((n) => void n.data('size', nodeSize(n.data('rank'), nodeMax, n.hasClass('question'))));
    links.forEach((l) => void l.data('width', 1 + 9 * Math.sqrt(l.data('rank') / linkMax)));
  }

  /** Zoomed out to fit a big graph, labels and answer tags are scaled up so they stay readable on screen. */
  private keepLabelsReadable(): void {
    this.scaleLabels(Math.min(2.5, Math.max(1, 1 / this.cy.zoom())));
  }

  private scaleLabels(factor: number): void {
    if (factor === this.labelFactor) return;
    this.labelFactor = factor;
    this.cy
      .style()
      .selector('node.concept')
      .style({ 'font-size': 11 * factor, 'text-outline-width': 2 * factor, 'text-margin-y': 3 * factor, 'text-max-width': `${120 * factor}px` })
      .selector('node.concept.question')
      .style({ 'font-size': 13 * factor, 'text-max-width': `${200 * factor}px` })
      .selector('node.concept.label-above')
      .style({ 'text-margin-y': -3 * factor })
      .selector('node.concept.label-hover')
      .style({ 'text-max-width': `${320 * factor}px` })
      .selector('node.answer')
      .style({ width: 28 * factor, height: 20 * factor, 'font-size': 11 * factor })
      .selector('edge.link.chosen')
      .style({ 'font-size': 11 * factor })
      .update();
  }

  /**
   * Force-directed (cose) layout. A fresh graph starts from positions derived from the concept ids rather than
   * random ones, so the same question always draws the same picture.
   */
  private layout(fresh: boolean): void {
    if (this.cy.elements().empty()) return;
    // Lay out with labels at their natural size, so the result does not depend on the zoom before it.
    this.scaleLabels(1);
    if (fresh) {
      this.cy.nodes().forEach((node) => {
        const h = hash(node.id());
        node.position({ x: (h % 1000) - 500, y: (Math.floor(h / 1000) % 1000) - 500 });
      });
    }
    this.cy
      .layout({
        name: 'cose',
        animate: false,
        randomize: false,
        fit: true,
        padding: 30,
        nodeDimensionsIncludeLabels: true,
        idealEdgeLength: () => 45,
        nodeRepulsion: () => 6000,
        edgeElasticity: () => 100,
        componentSpacing: 30,
        nestingFactor: 1.2,
        gravity: 1.2,
        numIter: 2000,
      } as cytoscape.LayoutOptions)
      .run();
    this.keepLabelsReadable();
    this.placeLabels();
  }

  private placeLabelsSoon(): void {
    if (this.labelsPending) return;
    this.labelsPending = true;
    requestAnimationFrame(() => {
      this.labelsPending = false;
      this.placeLabels();
    });
  }

  /**
   * Labels on demand, so a graph of 100 links stays readable: strongest first (the chosen concept and the ends of
   * the chosen link, then the question's concepts, then by number of links and rank), a label is shown below its
   * node, or else above it, only where it overlaps no label already shown and no other node. The rest show on
   * hover. Boxes are in model coordinates, where labels grow as the graph is zoomed out (keepLabelsReadable), so
   * this reruns on zoom.
   */
  placeLabels(): void {
    const concepts = this.cy.nodes('.concept');
    const chosenLink = this.cy.edges('.link.chosen');
    const forced = (node: cytoscape.NodeSingular) => node.hasClass('chosen') || chosenLink.connectedNodes().contains(node);
    const strength = (node: cytoscape.NodeSingular) => [
      Number(forced(node)),
      Number(node.hasClass('question')),
      node.connectedEdges('.link').length,
      node.data('rank') as number,
    ];
    const ordered = concepts.toArray().sort((a, b) => {
      const [sa, sb] = [strength(a), strength(b)];
      for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i] - sa[i];
      return a.id() < b.id() ? -1 : 1;
    });
    const bodies = this.cy.nodes().map((node) => ({ id: node.id(), box: node.boundingBox({ includeLabels: false, includeOverlays: false }) }));
    const shown: cytoscape.BoundingBox12[] = [];
    // The question's concepts are named even over another node (their labels are bold and outlined); never over a label.
    const free = (node: cytoscape.NodeSingular, label: cytoscape.BoundingBox12) =>
      !shown.some((box) => overlaps(box, label)) &&
      (node.hasClass('question') || !bodies.some((body) => body.id !== node.id() && overlaps(body.box, label)));
    // Not in a batch: each box must be measured with the classes set so far.
    concepts.removeClass('label-above');
    for (const node of ordered) {
      const below = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      const body = node.boundingBox({ includeLabels: false, includeOverlays: false });
      // The same box mirrored to the top of the node (text-margin-y 3 below, -3 above, scaled with the labels).
      const gap = below.y1 - body.y2;
      const above = { x1: below.x1, x2: below.x2, y2: body.y1 - gap, y1: body.y1 - gap - (below.y2 - below.y1) };
      const place = free(node, below) || forced(node) ? below : free(node, above) ? above : null;
      node.toggleClass('label-off', place === null);
      node.toggleClass('label-above', place === above);
      if (place) shown.push(place);
    }
  }
}

function overlaps(a: cytoscape.BoundingBox12, b: cytoscape.BoundingBox12): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/** FNV-1a: a stable number from a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Area grows with rank; the question's own concepts never shrink below an easily seen size. */
function nodeSize(rank: number, maxRank: number, question: boolean): number {
  const size = 16 + 44 * Math.sqrt(rank / maxRank);
  return question ? Math.max(size, 40) : size;
}

function unique(concepts: Concept[]): Concept[] {
  return [...new Map(concepts.map((c) => [c.id, c])).values()];
}

function uniqueEdges(edges: Edge[]): Edge[] {
  return [...new Map(edges.map((e) => [linkId(e.source.id, e.target.id), e])).values()];
}
