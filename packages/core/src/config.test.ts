import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cesceConfigSchema, parseConfig } from './config.js';
import { ConfigError } from './errors.js';

const schema = z.object({ cesce: cesceConfigSchema }).strict();
const base = { environment: 'sandbox', contractNo: '34109150331', clientId: 'id', clientSecret: 'env:SECRET' };

function issues(raw: unknown, env: Record<string, string> = { SECRET: 'top-secret-value' }) {
  try {
    parseConfig(schema, raw, { file: 'c.json', env, secretPaths: [['cesce', 'clientSecret']] });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('resolves env: references', () => {
    const c = parseConfig(schema, { cesce: base }, { file: 'c.json', env: { SECRET: 's' } });
    expect(c.cesce.clientSecret).toBe('s');
    expect(c.cesce.scope).toBe('create read update delete');
  });

  it('resolves file: references relative to the config file, dropping one trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cesce-config-'));
    try {
      writeFileSync(join(dir, 'secret.txt'), 'from-a-file\n');
      writeFileSync(join(dir, 'empty.txt'), '');
      const file = join(dir, 'c.json');
      const c = parseConfig(schema, { cesce: { ...base, clientSecret: 'file:secret.txt' } }, { file, env: {} });
      expect(c.cesce.clientSecret).toBe('from-a-file');
      const bad = (ref: string) => {
        try {
          parseConfig(schema, { cesce: { ...base, clientSecret: ref } }, { file, env: {} });
        } catch (error) {
          return (error as ConfigError).issues;
        }
        return [];
      };
      expect(bad('file:nope.txt')).toEqual([{ path: 'cesce.clientSecret', message: `the file ${join(dir, 'nope.txt')} cannot be read (not found)` }]);
      expect(bad('file:empty.txt')).toEqual([{ path: 'cesce.clientSecret', message: `the file ${join(dir, 'empty.txt')} is empty` }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names missing sections and unset variables by path', () => {
    expect(issues({})).toEqual([{ path: 'cesce', message: 'is required (a section)' }]);
    expect(issues({ cesce: base }, {})).toEqual([{ path: 'cesce.clientSecret', message: 'environment variable SECRET is not set' }]);
  });

  it('rejects non-http base URLs and PRE without user credentials', () => {
    expect(issues({ cesce: { ...base, baseUrl: 'ftp://x.example' } })[0]).toMatchObject({ path: 'cesce.baseUrl', message: /http\(s\) URL/ });
    expect(issues({ cesce: { ...base, environment: 'pre' } })[0]).toMatchObject({ path: 'cesce.username', message: /required in PRE/ });
  });

  it('never quotes a secret, even one put in the wrong field', () => {
    const found = issues({ cesce: { ...base, contractNo: 'env:SECRET' } });
    expect(found[0]!.path).toBe('cesce.contractNo');
    expect(JSON.stringify(found)).not.toContain('top-secret-value');
  });
});
