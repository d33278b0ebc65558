/**
 * Charts as files: a Vega-Lite spec is compiled to Vega, rendered headless to SVG, and the
 * SVG rasterised to PNG by resvg. No browser, no canvas package.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { writeFileAtomic } from './atomicFile.ts';

export type VegaLiteSpec = vegaLite.TopLevelSpec;

export interface RenderedChart {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** Fonts every chart uses; DejaVu ships with most Linux systems and resvg finds it there. */
const FONT = 'DejaVu Sans, Arial, sans-serif';

export async function renderChart(spec: VegaLiteSpec, options: { scale?: number } = {}): Promise<RenderedChart> {
  const themed = {
    ...spec,
    config: { font: FONT, background: 'white', ...(spec as { config?: object }).config },
  } as VegaLiteSpec;
  const compiled = vegaLite.compile(themed).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: options.scale ?? 2 },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      background: 'white',
    })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

/** Writes `<basePath>.svg` and `<basePath>.png`; returns both paths. */
export async function writeChart(basePath: string, spec: VegaLiteSpec, options: { scale?: number } = {}): Promise<{ svg: string; png: string }> {
  const chart = await renderChart(spec, options);
  writeFileAtomic(`${basePath}.svg`, chart.svg);
  writeFileAtomic(`${basePath}.png`, chart.png);
  return { svg: `${basePath}.svg`, png: `${basePath}.png` };
}
