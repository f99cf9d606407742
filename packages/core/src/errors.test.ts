import { describe, expect, it } from 'vitest';
import { redact } from './errors.js';

describe('redact', () => {
  it('hides secrets in form bodies, JSON, bearer headers and by value', () => {
    expect(redact('grant_type=password&client_secret=abc123&password=p4ss&scope=read')).toBe(
      'grant_type=password&client_secret=[REDACTED]&password=[REDACTED]&scope=read',
    );
    expect(redact('{"clientSecret":"abc123","user":"x"}')).toBe('{"clientSecret":"[REDACTED]","user":"x"}');
    expect(redact('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer [REDACTED]');
    expect(redact('login failed with hunter22 for user x', ['hunter22'])).toBe('login failed with [REDACTED] for user x');
    expect(redact({ password: 'x', nested: { client_secret: 'y', name: 'ok' } })).toEqual({
      password: '[REDACTED]',
      nested: { client_secret: '[REDACTED]', name: 'ok' },
    });
  });

  it('leaves prose about secrets readable', () => {
    const text = 'odoo.password: environment variable ODOO_API_KEY is not set';
    expect(redact(text)).toBe(text);
  });
});
