/**
 * Headless Chromium for the console's end-to-end tests: Debian's `chromium` driven by playwright-core (no
 * browser download), and the axe-core accessibility check of what is on screen.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WIDTHS = [1280, 390] as const;

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * Starts headless Chromium.
 *
 * @example
 * const browser = await launchChromium();
 */
function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

let axeSource: Promise<string> | undefined;

/**
 * The serious and critical axe-core violations of the page as it is now. The script is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not apply to.
 */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(await axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * The serious and critical violations of the screen at each width (1280 and 390 px), labelled by width;
 * the viewport is back at 1280 px afterwards.
 */
async function violationsAtWidths(page: Page): Promise<Record<string, AxeViolation[]>> {
  const found: Record<string, AxeViolation[]> = {};
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    found[`${width}px`] = await seriousViolations(page);
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
  return found;
}

export { launchChromium, seriousViolations, violationsAtWidths, CHROMIUM };
export type { AxeViolation };
