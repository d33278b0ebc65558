/**
 * A contact sheet of labelled examples as a PNG: each example framed in its class colour
 * with the class name written under it, so a person can check data and labels at a glance.
 */
import { PNG } from 'pngjs';
import type { Split } from './dataset.ts';
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

export function classColour(label: number): readonly [string, readonly [number, number, number]] {
  return CLASS_COLOURS[label % CLASS_COLOURS.length];
}

export interface PreviewRequest {
  readonly split: Split;
  readonly inputShape: readonly number[];
  readonly classNames: readonly string[];
  /** Which examples of the split to show, in order. */
  readonly indices: readonly number[];
}

/** PNG bytes of the contact sheet. */
export function renderPreview(request: PreviewRequest): Buffer {
  const [h, w, channels = 1] = request.inputShape;
  if (request.inputShape.length < 2 || (channels !== 1 && channels !== 3)) {
    throw new Error(`preview needs image examples [h, w, 1|3], got shape [${request.inputShape.join(', ')}]`);
  }
  const n = request.indices.length;
  const columns = Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / columns);
  const zoom = Math.max(1, Math.floor(128 / Math.max(h, w)));
  const frame = 3;
  const textScale = 2;
  const caption = GLYPH_HEIGHT * textScale + 6;
  const cellW = w * zoom + 2 * frame;
  const cellH = h * zoom + 2 * frame + caption;
  const gap = 6;
  const png = new PNG({ width: columns * (cellW + gap) + gap, height: rows * (cellH + gap) + gap });
  png.data.fill(255);
  const put = (x: number, y: number, rgb: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= png.width || y >= png.height) return;
    const at = (y * png.width + x) * 4;
    png.data[at] = rgb[0];
    png.data[at + 1] = rgb[1];
    png.data[at + 2] = rgb[2];
    png.data[at + 3] = 255;
  };
  const size = h * w * channels;
  request.indices.forEach((example, k) => {
    const x0 = gap + (k % columns) * (cellW + gap);
    const y0 = gap + Math.floor(k / columns) * (cellH + gap);
    const label = request.split.y[example];
    const [, colour] = classColour(label);
    for (let y = 0; y < h * zoom + 2 * frame; y++) for (let x = 0; x < cellW; x++) put(x0 + x, y0 + y, colour);
    const base = example * size;
    for (let y = 0; y < h * zoom; y++) {
      for (let x = 0; x < w * zoom; x++) {
        const p = base + (Math.floor(y / zoom) * w + Math.floor(x / zoom)) * channels;
        const grey = (c: number) => Math.round(Math.min(1, Math.max(0, request.split.x[p + c])) * 255);
        put(x0 + frame + x, y0 + frame + y, channels === 1 ? [grey(0), grey(0), grey(0)] : [grey(0), grey(1), grey(2)]);
      }
    }
    const text = `${label}:${request.classNames[label] ?? '?'}`;
    const fitted = textWidth(text, textScale) > cellW ? text.slice(0, Math.floor(cellW / (4 * textScale))) : text;
    drawText(fitted, textScale, (x, y) => put(x0 + x, y0 + h * zoom + 2 * frame + 3 + y, colour));
  });
  return PNG.sync.write(png);
}
