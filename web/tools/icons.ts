/**
 * Regenerates the PWA's PNG icons from web/public/icon.svg (the PNGs are committed; run this after
 * changing the SVG):
 *
 *   npx tsx web/tools/icons.ts
 *
 * Writes into web/public/:
 * - icon-192.png, icon-512.png: the SVG as it is (`purpose: any`), transparent rounded corners;
 * - icon-maskable-512.png: full-bleed background with the drawing scaled to 80 % and centred, so
 *   it stays inside the maskable safe zone (a circle of 40 % radius; W3C Web App Manifest
 *   §"Icon masks", https://www.w3.org/TR/appmanifest/#icon-masks);
 * - apple-touch-icon.png: 180 px, opaque and full-bleed like the maskable one (iOS rounds the
 *   corners itself and takes its home-screen icon from this link, not from the manifest).
 *
 * The SVG is rasterised by Debian's Chromium (the one the e2e tests drive, through playwright-core),
 * so no SVG renderer is added to the build; a screenshot with `omitBackground` keeps the alpha.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));
/** The SVG's own background, used as the maskable icon's full-bleed fill. */
const BACKGROUND = '#111111';
/** Scale of the drawing inside the maskable icon: 0.8 keeps its corners inside the 40 % circle. */
const MASKABLE_SCALE = 0.8;

export interface IconSpec {
  file: string;
  /** Width and height, px. */
  size: number;
  maskable: boolean;
}

export const ICONS: readonly IconSpec[] = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];

/** The HTML page that draws `svg` at `size` px (maskable: on a full-bleed background, scaled). */
export function iconPage(svg: string, size: number, maskable: boolean): string {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  const inner = maskable ? size * MASKABLE_SCALE : size;
  const offset = (size - inner) / 2;
  return `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${size}px;height:${size}px;position:relative;background:${maskable ? BACKGROUND : 'transparent'}">
<img src="${src}" style="position:absolute;left:${offset}px;top:${offset}px;width:${inner}px;height:${inner}px">
</div></body></html>`;
}

async function main(): Promise<void> {
  const svg = readFileSync(`${PUBLIC}icon.svg`, 'utf8');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
  try {
    for (const icon of ICONS) {
      const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
      await page.setContent(iconPage(svg, icon.size, icon.maskable));
      // A string, so this tools project (no DOM lib) needs no DOM types.
      await page.waitForFunction('[...document.images].every((i) => i.complete && i.naturalWidth > 0)');
      const png = await page.screenshot({ omitBackground: true, type: 'png' });
      writeFileSync(`${PUBLIC}${icon.file}`, png);
      console.log(`${icon.file}: ${icon.size}×${icon.size}, ${png.length} bytes`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
