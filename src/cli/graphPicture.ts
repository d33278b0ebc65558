/**
 * A program's graph as a picture a reader can check against the program: nodes with their
 * ids, edges with their ids and the port each end occupies, and, above the drawing, the
 * program in Stitch form with its scores beside the base rate and the best baseline.
 */
import type { ProgramGraph } from '../dsl/graph.ts';
import { forceLayout, type Point } from '../util/graphLayout.ts';
import type { VegaLiteSpec } from '../util/plot.ts';
import { wrapText } from '../util/wrapText.ts';

export interface GraphPictureText {
  readonly title: string;
  /** Lines under the title: scores, context, legend. */
  readonly lines: readonly string[];
  readonly program: string;
  /** Definitions printed under the program, e.g. of the inventions it names. */
  readonly definitions?: readonly string[];
}

/** Characters per program line: about the drawing's width in the subtitle's monospace font. */
const PROGRAM_LINE_WIDTH = 100;

/** Drawing width in pixels; the layout's unit square (plus margins) spans it. */
const WIDTH = 620;
const DOMAIN: readonly [number, number] = [-0.12, 1.12];

/** Circle area in square pixels: large enough for two-digit ids, smaller as graphs grow. */
function nodeArea(nodes: number): number {
  return Math.max(200, Math.min(520, 2600 / Math.max(1, nodes)));
}

/** Spreads a layout over the whole square, each axis on its own (a path drawn as a line uses the diagonal). */
function stretched(points: readonly Point[]): Point[] {
  const span = (values: number[]) => [Math.min(...values), Math.max(...values)] as const;
  const [x0, x1] = span(points.map((p) => p.x));
  const [y0, y1] = span(points.map((p) => p.y));
  const scale = (v: number, lo: number, hi: number) => (hi - lo < 1e-9 ? 0.5 : (v - lo) / (hi - lo));
  return points.map((p) => ({ x: scale(p.x, x0, x1), y: scale(p.y, y0, y1) }));
}

export function graphPictureSpec(graph: ProgramGraph, text: GraphPictureText): VegaLiteSpec {
  const index = new Map(graph.nodes.map((id, i) => [id, i]));
  const pairs = graph.edges.map((e) => [index.get(e.source)!, index.get(e.target)!] as const);
  const points = stretched(forceLayout(graph.nodes.length, pairs));
  const area = nodeArea(graph.nodes.length);
  const unitsPerPixel = (DOMAIN[1] - DOMAIN[0]) / WIDTH;
  const nodes = graph.nodes.map((id, i) => ({ label: String(id), x: points[i].x, y: points[i].y }));
  const edges = graph.edges.map((e, i) => {
    const a = points[pairs[i][0]];
    const b = points[pairs[i][1]];
    // The edge id sits beside the edge's middle, off the line and its port labels.
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const off = 9 * unitsPerPixel;
    return { x: a.x, y: a.y, x2: b.x, y2: b.y, label: String(e.id), mx: (a.x + b.x) / 2 - (off * (b.y - a.y)) / length, my: (a.y + b.y) / 2 + (off * (b.x - a.x)) / length };
  });
  // A port label sits just outside its node's circle, or at 40% of a very short edge.
  const clearance = (Math.sqrt(area / Math.PI) + 7) * unitsPerPixel;
  const along = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
    const t = Math.min(0.4, clearance / length);
    return { x: from.x + t * (to.x - from.x), y: from.y + t * (to.y - from.y) };
  };
  const ports = graph.edges.flatMap((e, i) => {
    const a = points[pairs[i][0]];
    const b = points[pairs[i][1]];
    return [
      { ...along(a, b), label: String(e.sourcePort) },
      { ...along(b, a), label: String(e.targetPort) },
    ];
  });
  const axis = { axis: null, scale: { domain: [...DOMAIN] } };
  const x = { field: 'x', type: 'quantitative', ...axis };
  const y = { field: 'y', type: 'quantitative', ...axis };
  const programLines = [`program: ${text.program}`, ...(text.definitions ?? []).map((d) => `  where ${d}`)].flatMap((line) => wrapText(line, PROGRAM_LINE_WIDTH));
  return {
    title: {
      text: text.title,
      subtitle: [...text.lines, ...programLines],
      fontSize: 13,
      subtitleFontSize: 10,
      subtitleFont: 'DejaVu Sans Mono, monospace',
      anchor: 'start',
    },
    width: WIDTH,
    height: WIDTH,
    view: { stroke: null },
    layer: [
      { data: { values: edges }, mark: { type: 'rule', strokeWidth: 2, color: '#999' }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } } },
      { data: { values: edges }, mark: { type: 'text', color: '#666', fontSize: 9, fontStyle: 'italic', dy: -7 }, encoding: { x: { ...x, field: 'mx' }, y: { ...y, field: 'my' }, text: { field: 'label' } } },
      { data: { values: ports }, mark: { type: 'text', color: '#c0392b', fontSize: 10, fontWeight: 'bold' }, encoding: { x, y, text: { field: 'label' } } },
      { data: { values: nodes }, mark: { type: 'circle', size: area, color: '#4c78a8', opacity: 1 }, encoding: { x, y } },
      { data: { values: nodes }, mark: { type: 'text', color: 'white', fontSize: area >= 400 ? 11 : 9, fontWeight: 'bold' }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as VegaLiteSpec;
}
