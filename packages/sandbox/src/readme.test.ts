import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from './routes.js';
import { RULES } from './rules/messages.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every rule with its status, code, message and KB entry', () => {
    for (const [name, rule] of Object.entries(RULES)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      expect(row).toContain(`| ${rule.status} |`);
      expect(row).toContain(`| \`${rule.code}\` |`);
      expect(row).toContain(`\`${rule.message}\``);
      expect(row).toContain(`\`${rule.kb}\``);
    }
  });

  it('documents every route', () => {
    for (const route of ROUTES) expect(readme).toContain(`| ${route.method} | \`${route.path}`);
  });
});
