import type { BrowserContext, Page } from 'playwright-core';

export interface CrawlResult {
  /** Pages visited (paths), in order. */
  pages: string[];
  /** Links to pages that do not answer 200, or to anchors missing on their page: `from → to (why)`. */
  broken: string[];
}

/**
 * Opens every same-origin page reachable from `start` by <a href> links, in the browser, and
 * reports links whose page does not answer 200 and links whose #anchor is not on the target page.
 */
export async function crawl(
  context: BrowserContext,
  origin: string,
  start: string[],
  concurrency = 10,
  /** Follow links this many levels from `start` only (default: all); links from the last level are not checked. */
  maxDepth = Number.POSITIVE_INFINITY,
): Promise<CrawlResult> {
  const pages: string[] = [];
  const broken: string[] = [];
  const status = new Map<string, number>();
  const ids = new Map<string, Set<string>>();
  const links: { from: string; to: string; hash: string }[] = [];
  const queue = start.map((path) => ({ path, depth: 0 }));
  const seen = new Set(start);

  const visit = async (page: Page, { path, depth }: { path: string; depth: number }): Promise<void> => {
    const response = await page.goto(origin + path, { waitUntil: 'domcontentloaded' });
    const code = response?.status() ?? 0;
    status.set(path, code);
    pages.push(path);
    if (code !== 200 || !(response?.headers()['content-type'] ?? '').startsWith('text/html')) return;
    const found = await page.evaluate(() => ({
      hrefs: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    }));
    ids.set(path, new Set(found.ids));
    if (depth >= maxDepth) return;
    for (const href of found.hrefs) {
      const url = new URL(href);
      if (url.origin !== origin) continue;
      const to = url.pathname;
      links.push({ from: path, to, hash: decodeURIComponent(url.hash.slice(1)) });
      if (!seen.has(to)) {
        seen.add(to);
        queue.push({ path: to, depth: depth + 1 });
      }
    }
  };

  let inFlight = 0;
  const work = async (page: Page): Promise<void> => {
    // Workers pull from the shared queue until it stays empty while nobody is still visiting.
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        inFlight++;
        try {
          await visit(page, next);
        } finally {
          inFlight--;
        }
        continue;
      }
      if (inFlight === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const workers = Array.from({ length: concurrency }, async () => {
    const page = await context.newPage();
    // The links are in the server-rendered HTML: load only the documents (scripts, styles and
    // images are not needed to find them), which keeps a crawl of the whole site fast.
    await page.route('**/*', (route) => (route.request().resourceType() === 'document' ? route.fallback() : route.abort()));
    try {
      await work(page);
    } finally {
      await page.close();
    }
  });
  await Promise.all(workers);

  for (const link of links) {
    const code = status.get(link.to);
    if (code !== 200) {
      broken.push(`${link.from} → ${link.to} (HTTP ${code ?? 'not visited'})`);
      continue;
    }
    const targetIds = ids.get(link.to);
    if (link.hash && targetIds && !targetIds.has(link.hash)) broken.push(`${link.from} → ${link.to}#${link.hash} (no such anchor)`);
  }
  return { pages, broken: [...new Set(broken)] };
}
