// CLI: `taskrun graph --format svg|png` — the step graph as a picture. Graphviz's `dot` lays it
// out (compiled to WebAssembly, inside @hpcc-js/wasm-graphviz: no browser, no network, no
// Graphviz install) and resvg turns the SVG into a PNG with the system's fonts.
// Loaded only by `graph --format svg|png`, and bundled on its own (scripts/bundle.mjs), so no
// other command reads or compiles any of it.

import { Graphviz } from '@hpcc-js/wasm-graphviz';

export type GraphImageFormat = 'svg' | 'png';

const MONOSPACE_FONTS = 'DejaVu Sans Mono,Liberation Mono,Noto Sans Mono,Menlo,Consolas,Courier New,monospace';
/** PNGs are drawn at twice the layout's size, sharp on high-density screens and in READMEs. */
const PNG_ZOOM = 2;

export class GraphImageError extends Error {}

export async function renderGraphImage(dotSource: string, format: GraphImageFormat): Promise<Uint8Array> {
  const graphviz = await Graphviz.load();
  // Graphviz asks for "Courier,monospace"; resvg takes any font that calls itself Courier (on
  // Debian a serif one) and draws the generic `monospace` proportionally. Real monospace fonts
  // first: their widths are Courier's, the ones Graphviz laid the boxes out with.
  const svg = graphviz.dot(dotSource, 'svg').replace(/font-family="Courier,monospace"/g, `font-family="${MONOSPACE_FONTS}"`);
  if (format === 'svg') return new TextEncoder().encode(svg);
  return renderPng(svg);
}

async function renderPng(svg: string): Promise<Uint8Array> {
  // resvg is a native addon, installed for the platforms it is built for.
  const { Resvg } = await import('@resvg/resvg-js').catch((caught: Error) => {
    throw new GraphImageError(`cannot draw PNGs on ${process.platform}-${process.arch}: ${caught.message.split('\n')[0]}; use --format svg`);
  });
  const options = {
    font: { loadSystemFonts: true },
    background: 'white',
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
    logLevel: 'off',
  } as const;
  // Without a usable font resvg leaves text out without a word: a picture of empty boxes.
  const probe = (text: string) => new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15" font-family="${MONOSPACE_FONTS}" font-size="14">${text}</text></svg>`, options).render().asPng();
  if (Buffer.compare(probe('Ag'), probe('')) === 0) {
    throw new GraphImageError('no font found to draw the PNG\'s text with: install one (e.g. Debian\'s fonts-dejavu-core), or use --format svg');
  }
  return new Resvg(svg, options).render().asPng();
}
