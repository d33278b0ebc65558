/**
 * Pure TypeScript rasteriser for RAVEN matrices: the nine panels in a 3x3 grid with
 * separator lines, each entity a filled polygon or circle with a black outline, grey
 * levels as in raven-gen. Anti-aliased by supersampling: shapes are drawn on a finer grid
 * (exact scanline spans per sub-pixel row) and box-averaged down to the requested size.
 */
import { ANGLES, COLORS, CONFIGURATIONS, SIZES, TYPES } from './domains.ts';
import type { EntityValues, RavenMatrix } from './generate.ts';

export interface RenderOptions {
  /** Side of the square output image in pixels. */
  readonly size: number;
  /** Sub-pixels per pixel along each axis (default: 4 up to 64 px, else 3). */
  readonly supersample?: number;
}

/** A supersampled grey canvas. */
class Canvas {
  readonly pixels: Uint8Array;
  constructor(readonly side: number, background: number) {
    this.pixels = new Uint8Array(side * side).fill(background);
  }

  /** Paints the band [from, to) of rows (horizontal) or columns (vertical) black. */
  band(horizontal: boolean, from: number, to: number): void {
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(this.side, Math.ceil(to));
    for (let a = lo; a < hi; a++) {
      for (let b = 0; b < this.side; b++) this.pixels[horizontal ? a * this.side + b : b * this.side + a] = 0;
    }
  }

  /**
   * Draws a convex region given per scanline: `span(y, inset)` is the [lo, hi] range of x
   * whose points lie at least `inset` inside the shape, or null. Points inside by less than
   * `border` are the black outline; the rest take `fill`.
   */
  shape(y0: number, y1: number, span: (y: number, inset: number) => [number, number] | null, fill: number, border: number): void {
    const top = Math.max(0, Math.floor(y0));
    const bottom = Math.min(this.side, Math.ceil(y1));
    for (let y = top; y < bottom; y++) {
      const outer = span(y + 0.5, 0);
      if (outer === null) continue;
      const inner = span(y + 0.5, border);
      const row = y * this.side;
      const from = Math.max(0, Math.ceil(outer[0] - 0.5));
      const to = Math.min(this.side - 1, Math.floor(outer[1] - 0.5));
      const innerFrom = inner === null ? Infinity : Math.ceil(inner[0] - 0.5);
      const innerTo = inner === null ? -Infinity : Math.floor(inner[1] - 0.5);
      for (let x = from; x <= to; x++) this.pixels[row + x] = x >= innerFrom && x <= innerTo ? fill : 0;
    }
  }

  /** Box-average down by `factor` into an `outSide`-pixel image. */
  downsample(factor: number, outSide: number): Uint8Array {
    const out = new Uint8Array(outSide * outSide);
    const area = factor * factor;
    for (let oy = 0; oy < outSide; oy++) {
      for (let ox = 0; ox < outSide; ox++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = (oy * factor + dy) * this.side + ox * factor;
          for (let dx = 0; dx < factor; dx++) sum += this.pixels[row + dx];
        }
        out[oy * outSide + ox] = Math.round(sum / area);
      }
    }
    return out;
  }
}

interface Point {
  readonly x: number;
  readonly y: number;
}

/** Vertices of a regular polygon of circumradius r with a vertex straight up (y grows downward). */
function regularPolygon(sides: number, r: number): Point[] {
  return Array.from({ length: sides }, (_, k) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / sides;
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  });
}

/** Outline of an entity type centred on the origin, or null for circles (and 'none'). */
function outline(type: (typeof TYPES)[number], r: number): Point[] | null {
  switch (type) {
    case 'triangle':
      return regularPolygon(3, r);
    case 'square': {
      const h = r / Math.SQRT2;
      return [
        { x: -h, y: -h },
        { x: h, y: -h },
        { x: h, y: h },
        { x: -h, y: h },
      ];
    }
    case 'pentagon':
      return regularPolygon(5, r);
    case 'hexagon':
      return regularPolygon(6, r);
    default:
      return null;
  }
}

/**
 * Scanline spans of a convex polygon shrunk by `inset`: the intersection, along the line,
 * of the half-planes `n . p + c >= inset` of its edges (inward unit normals).
 */
function polygonSpan(vertices: readonly Point[]): (y: number, inset: number) => [number, number] | null {
  const count = vertices.length;
  const edges = new Float64Array(count * 3);
  const cx = vertices.reduce((s, v) => s + v.x, 0) / count;
  const cy = vertices.reduce((s, v) => s + v.y, 0) / count;
  for (let i = 0; i < count; i++) {
    const a = vertices[i];
    const b = vertices[(i + 1) % count];
    const len = Math.sqrt((b.x - a.x) ** 2 + (b.y - a.y) ** 2);
    let nx = -(b.y - a.y) / len;
    let ny = (b.x - a.x) / len;
    let c = -(nx * a.x + ny * a.y);
    if (nx * cx + ny * cy + c < 0) {
      nx = -nx;
      ny = -ny;
      c = -c;
    }
    edges[3 * i] = nx;
    edges[3 * i + 1] = ny;
    edges[3 * i + 2] = c;
  }
  return (y, inset) => {
    let lo = -Infinity;
    let hi = Infinity;
    for (let i = 0; i < count; i++) {
      const nx = edges[3 * i];
      const rest = edges[3 * i + 1] * y + edges[3 * i + 2] - inset;
      if (Math.abs(nx) < 1e-12) {
        if (rest < 0) return null;
      } else if (nx > 0) {
        lo = Math.max(lo, -rest / nx);
      } else {
        hi = Math.min(hi, -rest / nx);
      }
    }
    return lo <= hi ? [lo, hi] : null;
  };
}

function circleSpan(cx: number, cy: number, r: number): (y: number, inset: number) => [number, number] | null {
  return (y, inset) => {
    const radius = r - inset;
    const dy = y - cy;
    const h2 = radius * radius - dy * dy;
    if (radius <= 0 || h2 < 0) return null;
    const h = Math.sqrt(h2);
    return [cx - h, cx + h];
  };
}

function drawEntity(canvas: Canvas, entity: EntityValues, centre: Point, unit: number, border: number): void {
  const type = TYPES[entity.type];
  if (type === 'none') return;
  const r = unit * SIZES[entity.size];
  const fill = COLORS[entity.color];
  const shape = outline(type, r);
  if (shape === null) {
    canvas.shape(centre.y - r - 1, centre.y + r + 1, circleSpan(centre.x, centre.y, r), fill, border);
    return;
  }
  // Counter-clockwise on screen for positive angles, as OpenCV's rotation matrix.
  const theta = (ANGLES[entity.angle] * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const placed = shape.map((p) => ({ x: centre.x + p.x * cos + p.y * sin, y: centre.y - p.x * sin + p.y * cos }));
  canvas.shape(centre.y - r - 1, centre.y + r + 1, polygonSpan(placed), fill, border);
}

export function defaultSupersample(size: number): number {
  return size <= 64 ? 4 : 3;
}

/** The matrix as a `size x size` grey image (bytes, row-major). */
export function renderMatrix(matrix: RavenMatrix, options: RenderOptions): Uint8Array {
  const { size } = options;
  const factor = options.supersample ?? defaultSupersample(size);
  const canvas = new Canvas(size * factor, matrix.background);
  const panel = Math.floor(size / 3) * factor;
  // Line widths scale with the image: 1 px at the original's 128 px, half a pixel (grey) below 64.
  const line = Math.max(0.5, size / 128) * factor;
  const border = Math.max(0.5, size / 128) * factor;
  const configuration = CONFIGURATIONS[matrix.configuration];
  for (let p = 0; p < 9; p++) {
    const top = Math.floor(p / 3) * panel;
    const left = (p % 3) * panel;
    matrix.components.forEach((component, c) => {
      const slots = configuration.components[c].slots;
      const panelState = component.panels[p];
      panelState.positions.forEach((position, k) => {
        const slot = slots[position];
        const centre = { x: left + slot.col * panel, y: top + slot.row * panel };
        const unit = (Math.min(slot.width, slot.height) * panel) / 2;
        drawEntity(canvas, panelState.entities[k], centre, unit, border);
      });
    });
  }
  for (const at of [0.33, 0.67]) {
    const centre = Math.floor(at * 3 * (panel / factor)) * factor + factor / 2;
    canvas.band(true, centre - line / 2, centre + line / 2);
    canvas.band(false, centre - line / 2, centre + line / 2);
  }
  if (matrix.structure === 'left_right' || matrix.structure === 'up_down') {
    for (let i = 0; i < 3; i++) {
      const centre = i * panel + panel / 2;
      canvas.band(matrix.structure === 'up_down', centre - line / 2, centre + line / 2);
    }
  }
  return canvas.downsample(factor, size);
}
