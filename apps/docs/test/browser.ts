import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium package; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  /** Requests the site made to anything but 127.0.0.1 (aborted). */
  offline: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile; every request leaving 127.0.0.1 is aborted and recorded. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the documentation site's browser test needs Debian's chromium package. ` +
        'Install it with `sudo apt-get install -y chromium` (or run apps/docs/scripts/ensure-chromium.sh as root), ' +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'cesce-docs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
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
  const offline: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    offline.push(url.href);
    return route.abort();
  });
  return {
    context,
    offline,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
