import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WEB_UI_DIR } from '../src/config/paths.js';
import { ROOT, TEST_ADMIN } from './helpers.js';

// What every real-browser test shares: Debian's Chromium (never a downloaded one), launched headless
// with the flags the brief names; console and page errors collected per test; sign-in as the test admin.

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = resolve(ROOT, '.artifacts/dashboard');

/** Launches Debian's headless Chromium; fails with the fix when it or the built dashboard is missing. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: \`make test\` installs it (apt-get install chromium)`);
  if (!existsSync(join(WEB_UI_DIR, 'index.html'))) throw new Error(`${WEB_UI_DIR}/index.html is missing: build the dashboard with \`make build\``);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** Console errors and uncaught page errors of the pages it watches; `take()` empties it for the next test. */
export class PageErrors {
  private seen: string[] = [];

  watch(p: Page): Page {
    p.on('console', (m) => {
      if (m.type() === 'error') this.seen.push(`console: ${m.text()} @ ${m.location().url}`);
    });
    p.on('pageerror', (e) => this.seen.push(`page error: ${e.message}`));
    return p;
  }

  /** Removes and returns the errors that match (those a test expects and checks itself). */
  takeMatching(re: RegExp): string[] {
    const hit = this.seen.filter((e) => re.test(e));
    this.seen = this.seen.filter((e) => !re.test(e));
    return hit;
  }

  take(): string[] {
    const out = this.seen;
    this.seen = [];
    return out;
  }
}

/** Signs in on the dashboard's form (the admin must exist) and waits for the signed-in shell. */
export async function signInPage(page: Page, base: string, who = TEST_ADMIN): Promise<void> {
  await page.goto(base);
  const form = page.getByTestId('login-form');
  await form.locator('input[name=username]').fill(who.username);
  await form.locator('input[name=password]').fill(who.password);
  await form.locator('button[type=submit]').click();
  await page.getByTestId('whoami').waitFor();
}
