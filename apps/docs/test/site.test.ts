/**
 * The built documentation site, opened in headless Chromium (Debian's package, driven by
 * playwright-core) over a static server on 127.0.0.1: the guides and the knowledge-base pages
 * render, local search finds an entry by Cesce's error message, every command and option is in
 * the CLI reference, and no internal link is broken. Needs `pnpm docs:build` first (`pnpm test`
 * builds it through turbo).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '@cesce-connect/cli';
import { GENERIC_ENTRIES, KNOWLEDGE_BASE } from '@cesce-connect/core';
import { RULES } from '@cesce-connect/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './browser.js';
import { crawl } from './crawl.js';
import { serveStatic, type StaticServer } from './static-server.js';

type Command = ReturnType<typeof buildProgram>;

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist');
const ENTRIES = [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES];

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`the documentation site is not built (${DIST} is missing): run \`pnpm docs:build\` first`);
  }
  server = await serveStatic(DIST);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function h1(path: string): Promise<string> {
  const page = await browser.context.newPage();
  try {
    const response = await page.goto(server.url + path);
    expect(response?.status(), path).toBe(200);
    return headingText(await page.locator('main h1').first().innerText());
  } finally {
    await page.close();
  }
}

describe('documentation site', () => {
  it('renders the three guides and a knowledge-base entry in English and Spanish', async () => {
    expect(await h1('/guides/odoo-admin.html')).toBe('Odoo admin guide');
    expect(await h1('/guides/integrator.html')).toBe('Integrator guide');
    expect(await h1('/guides/support.html')).toBe('Support guide');
    expect(await h1('/guides/scale-out.html')).toBe('Scaling out: the multi-worker mode');
    const entry = KNOWLEDGE_BASE.find((e) => e.id === 'cesce-400-policy-expired')!;
    expect(await h1(`/reference/errors/${entry.id}.html`)).toBe(entry.title.en);
    expect(await h1(`/es/reference/errors/${entry.id}.html`)).toBe(entry.title.es);
  });

  it('has a page for every knowledge-base entry, in English and Spanish, with its status, cause and fix', () => {
    for (const e of ENTRIES) {
      for (const [lang, file] of [
        ['en', join(DIST, 'reference', 'errors', `${e.id}.html`)],
        ['es', join(DIST, 'es', 'reference', 'errors', `${e.id}.html`)],
      ] as const) {
        expect(existsSync(file), `${e.id} (${lang}) page`).toBe(true);
        const text = textOf(readFileSync(file, 'utf8'));
        const status = e.status !== 0 ? String(e.status) : lang === 'en' ? 'any (unexpected answer)' : 'cualquiera (respuesta inesperada)';
        expect(text).toContain(`${e.id} · HTTP ${status}`);
        expect(text).toContain(e.title[lang]);
        for (const t of [e.cause.en, e.cause.es, e.fix.en, e.fix.es]) expect(text, `${e.id} (${lang})`).toContain(t);
      }
    }
  });

  it('lists every command of the CLI with every option', () => {
    const html = readFileSync(join(DIST, 'reference', 'cli.html'), 'utf8');
    const walk = (c: Command): Command[] => [c, ...c.commands.flatMap(walk)];
    const commands = walk(buildProgram());
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) {
      const names: string[] = [];
      for (let x: Command | null = c; x; x = x.parent) names.unshift(x.name());
      const full = names.join(' ');
      expect(html, full).toContain(`id="${names.join('-')}"`);
      for (const o of c.options) expect(html, `${full} ${o.flags}`).toContain(escapeHtml(o.flags));
    }
  });

  it('finds a knowledge-base entry with local search by Cesce’s error message, in English and Spanish', async () => {
    // The message the emulator answers for an expired policy, without its {contractNo}/{expiryDate} slots.
    const message = RULES.policyExpired.message.replace(/\{[^}]+\}/g, ' ').replace(/\s+/g, ' ').trim();
    expect(message).toMatch(/vencida/);
    const entry = KNOWLEDGE_BASE.find((e) => e.id === 'cesce-400-policy-expired')!;
    for (const [home, lang] of [['/', 'en'], ['/es/', 'es']] as const) {
      const page = await browser.context.newPage();
      try {
        await page.goto(server.url + home);
        await page.locator('.VPNavBarSearch button').first().click();
        await page.locator('.VPLocalSearchBox input').fill(message);
        const hit = page.locator(`.VPLocalSearchBox .results a[href*="${home}reference/errors/${entry.id}"]`);
        await expect.poll(() => hit.count(), { timeout: 10_000 }).toBeGreaterThan(0);
        await hit.first().click();
        await page.waitForURL(new RegExp(`${home}reference/errors/${entry.id}`));
        // The router changes the URL first, then renders the page.
        await expect.poll(async () => headingText(await page.locator('main h1').first().innerText()), { timeout: 10_000 }).toBe(entry.title[lang]);
      } finally {
        await page.close();
      }
    }
  });

  it('has no broken internal link: every page reachable from the home pages answers 200, every anchor exists', async () => {
    const result = await crawl(browser.context, server.url, ['/', '/es/']);
    expect(result.broken).toEqual([]);
    for (const e of ENTRIES) {
      expect(result.pages).toContain(`/reference/errors/${e.id}.html`);
      expect(result.pages).toContain(`/es/reference/errors/${e.id}.html`);
    }
    for (const p of ['/guides/odoo-admin.html', '/guides/integrator.html', '/guides/support.html', '/guides/diagrams.html', '/reference/cli.html', '/reference/config.html', '/reference/fidelity.html']) {
      expect(result.pages).toContain(p);
    }
    expect(browser.offline).toEqual([]);
  });

  it('reports the links to a page missing from the site', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'cesce-docs-broken-'));
    const broken = await serveStatic(copy);
    try {
      cpSync(DIST, copy, { recursive: true });
      rmSync(join(copy, 'reference', 'errors', 'cesce-400-policy-expired.html'));
      const result = await crawl(browser.context, broken.url, ['/reference/errors/index.html'], 10, 1);
      expect(result.broken).toContain('/reference/errors/index.html → /reference/errors/cesce-400-policy-expired.html (HTTP 404)');
    } finally {
      await broken.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

/** The visible text of a heading, without VitePress's permalink anchor (a zero-width space). */
function headingText(text: string): string {
  return text.replace(/\u200b/g, '').trim();
}

/** The text of an HTML page: tags removed, entities decoded. */
function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
