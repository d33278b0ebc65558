/**
 * A contact sheet of labelled examples as a PNG: each example framed in its class colour
 * with the class name written under it, and a legend in the image itself (data set, task,
 * split, base rate, one swatch per class), so the picture says what it shows without the
 * terminal beside it. Under label noise, examples whose training label was changed carry a
 * black corner and a `*` after their (noisy) label, with the true class in the caption.
 */
import { PNG } from 'pngjs';
import type { Split } from './dataset.ts';
import { wrapText } from '../util/wrapText.ts';
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmapFont.ts';

/** Distinct class colours (Tableau 10), also printed in the legend. */
export const CLASS_COLOURS: ReadonlyArray<readonly [string, readonly [number, number, number]]> = [
  ['blue', [31, 119, 180]],
  ['orange', [255, 127, 14]],
  ['green', [44, 160, 44]],
  ['red', [214, 39, 40]],
  ['purple', [148, 103, 189]],
  ['brown', [140, 86, 75]],
  ['pink', [227, 119, 194]],
  ['grey', [127, 127, 127]],
  ['olive', [188, 189, 34]],
  ['cyan', [23, 190, 207]],
];

/** Most examples one sheet shows: beyond it the sheet is too large to look at (and to write). */
export const MAX_PREVIEW_EXAMPLES = 256;

export function classColour(label: number): readonly [string, readonly [number, number, number]] {
  return CLASS_COLOURS[label % CLASS_COLOURS.length];
}

export interface PreviewRequest {
  readonly split: Split;
  readonly inputShape: readonly number[];
  readonly classNames: readonly string[];
  /** Which examples of the split to show, in order. */
  readonly indices: readonly number[];
  /** Legend lines drawn above the sheet (data set, split, base rate...). */
  readonly legend?: readonly string[];
  /** Each class's share of the split, printed beside its swatch. */
  readonly classFractions?: readonly number[];
  /** The labels before label noise, to mark the examples whose label was changed. */
  readonly trueLabels?: Int32Array;
}

const BLACK = [0, 0, 0] as const;
const WHITE = [255, 255, 255] as const;
const TEXT_SCALE = 2;
const LINE_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE + 6;

/** PNG bytes of the contact sheet. */
export function renderPreview(request: PreviewRequest): Buffer {
  const [h, w, channels = 1] = request.inputShape;
  if (request.inputShape.length < 2 || (channels !== 1 && channels !== 3)) {
    throw new Error(`preview needs image examples [h, w, 1|3], got shape [${request.inputShape.join(', ')}]`);
  }
  const n = request.indices.length;
  if (n > MAX_PREVIEW_EXAMPLES) throw new RangeError(`a preview shows at most ${MAX_PREVIEW_EXAMPLES} examples, asked for ${n}`);
  const columns = Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / columns);
  const zoom = Math.max(1, Math.floor(128 / Math.max(h, w)));
  const frame = 3;
  const caption = LINE_HEIGHT;
  const cellW = w * zoom + 2 * frame;
  const cellH = h * zoom + 2 * frame + caption;
  const gap = 6;
  const sheetWidth = columns * (cellW + gap) + gap;
  // The legend needs room for a readable line even when the sheet is one small image wide.
  const width = Math.max(sheetWidth, 360);
  const chars = Math.floor((width - 2 * gap) / textWidth('x', TEXT_SCALE));
  const legendLines = (request.legend ?? []).flatMap((line) => wrapText(line.toUpperCase(), chars));
  const swatches = request.classNames.map((name, c) => {
    const share = request.classFractions?.[c];
    return wrapText(`${c}:${name}${share === undefined ? '' : ` ${(100 * share).toFixed(1)}%`}`.toUpperCase(), chars - 3);
  });
  const legendHeight = legendLines.length * LINE_HEIGHT + swatches.reduce((s, l) => s + l.length, 0) * LINE_HEIGHT + (legendLines.length + swatches.length > 0 ? gap : 0);
  const png = new PNG({ width, height: legendHeight + rows * (cellH + gap) + gap });
  png.data.fill(255);
  const put = (x: number, y: number, rgb: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= png.width || y >= png.height) return;
    const at = (y * png.width + x) * 4;
    png.data[at] = rgb[0];
    png.data[at + 1] = rgb[1];
    png.data[at + 2] = rgb[2];
    png.data[at + 3] = 255;
  };
  const write = (text: string, x0: number, y0: number, rgb: readonly [number, number, number]) => drawText(text, TEXT_SCALE, (x, y) => put(x0 + x, y0 + y, rgb));

  let y = gap;
  for (const line of legendLines) {
    write(line, gap, y, BLACK);
    y += LINE_HEIGHT;
  }
  swatches.forEach((lines, c) => {
    const [, colour] = classColour(c);
    const side = GLYPH_HEIGHT * TEXT_SCALE;
    for (let dy = 0; dy < side; dy++) for (let dx = 0; dx < side; dx++) put(gap + dx, y + dy, colour);
    for (const line of lines) {
      write(line, gap + side + 6, y, colour);
      y += LINE_HEIGHT;
    }
  });

  const size = h * w * channels;
  const top = legendHeight;
  request.indices.forEach((example, k) => {
    const x0 = gap + (k % columns) * (cellW + gap);
    const y0 = top + gap + Math.floor(k / columns) * (cellH + gap);
    const label = request.split.y[example];
    const trueLabel = request.trueLabels?.[example];
    const flipped = trueLabel !== undefined && trueLabel !== label;
    const [, colour] = classColour(label);
    for (let yy = 0; yy < h * zoom + 2 * frame; yy++) for (let x = 0; x < cellW; x++) put(x0 + x, y0 + yy, colour);
    const base = example * size;
    for (let yy = 0; yy < h * zoom; yy++) {
      for (let x = 0; x < w * zoom; x++) {
        const p = base + (Math.floor(yy / zoom) * w + Math.floor(x / zoom)) * channels;
        const grey = (c: number) => Math.round(Math.min(1, Math.max(0, request.split.x[p + c])) * 255);
        put(x0 + frame + x, y0 + frame + yy, channels === 1 ? [grey(0), grey(0), grey(0)] : [grey(0), grey(1), grey(2)]);
      }
    }
    if (flipped) {
      // A black triangle edged in white, in the top-right corner, marks a label changed by the
      // noise; the edge keeps it visible on dark images.
      const corner = Math.max(10, Math.round(cellW / 4));
      const edge = 3;
      for (let dy = 0; dy < corner + edge; dy++) for (let dx = dy; dx < corner + edge; dx++) put(x0 + cellW - corner - edge + dx, y0 + dy, WHITE);
      for (let dy = 0; dy < corner; dy++) for (let dx = dy; dx < corner; dx++) put(x0 + cellW - corner + dx, y0 + dy, BLACK);
    }
    const text = `${label}:${request.classNames[label] ?? '?'}${flipped ? ` *${trueLabel}` : ''}`.toUpperCase();
    const fitted = textWidth(text, TEXT_SCALE) > cellW ? (flipped ? `${label}* ${trueLabel}` : text.slice(0, Math.floor(cellW / textWidth('x', TEXT_SCALE)))) : text;
    write(fitted, x0, y0 + h * zoom + 2 * frame + 3, flipped ? BLACK : colour);
  });
  return PNG.sync.write(png);
}
