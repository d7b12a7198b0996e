import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium), headless, as test/playground.test.ts runs it. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENS = join(__dirname, '..', '..', 'artifacts', 'screens');
const DOCS = join(__dirname, '..', '..', '..', 'docs', 'screens');

export const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export function launchChromium(): Promise<Browser> {
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

/**
 * A page that may reach this machine only (anything else is refused and remembered in
 * `blocked`), with the page's script errors collected in `errors`.
 */
export async function openPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; blocked: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: SIZES.desktop, acceptDownloads: true });
  const page = await context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  const local = (url: string) => {
    const { protocol, hostname } = new URL(url);
    return ['data:', 'blob:'].includes(protocol) || ['127.0.0.1', 'localhost'].includes(hostname);
  };
  await page.route('**/*', (route) => {
    if (local(route.request().url())) return route.continue();
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, blocked, errors };
}

/**
 * test/artifacts/screens/admin-<name>-<size>.png at both sizes (and back to desktop);
 * with `docs`, also copied to docs/screens/ for the README.
 */
export async function photograph(page: Page, name: string, docs = false): Promise<string[]> {
  mkdirSync(SCREENS, { recursive: true });
  const files: string[] = [];
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    // Charts and tables lay themselves out again on resize.
    await page.waitForTimeout(400);
    const file = join(SCREENS, `admin-${name}-${size}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
    if (docs) {
      mkdirSync(DOCS, { recursive: true });
      copyFileSync(file, join(DOCS, `admin-${name}-${size}.png`));
    }
  }
  await page.setViewportSize(SIZES.desktop);
  return files;
}

/** axe's WCAG 2 A/AA rules; the serious and critical violations, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary ?? ''})`),
    );
}
