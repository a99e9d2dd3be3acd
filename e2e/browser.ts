import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

// Debian's Chromium driven by playwright-core (no downloaded browsers here: see TOOLCHAIN.md). Each
// launch gets a fresh temporary profile from Playwright; each role gets its own context (its own cookies).

export const WEB_URL = (process.env.WEB_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
export const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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

export async function newContext(browser: Browser, viewport = VIEWPORTS.desktop): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: WEB_URL, viewport, locale: 'ru-RU' });
  // Map tiles cannot load here; refusing them at once keeps pages from waiting on the network.
  await context.route(/tile|\.png(\?|$)/, (route) =>
    route.request().url().startsWith(WEB_URL) ? route.continue() : route.abort(),
  );
  context.setDefaultTimeout(20_000);
  return context;
}

/** Saves the page at both widths: desktop (1280×800) and phone (390×844), full length. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}
