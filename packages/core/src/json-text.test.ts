import { describe, expect, it } from 'vitest';
import { parseJsonText } from './json-text.js';

describe('parseJsonText', () => {
  it('parses JSON, ignoring a leading byte-order mark', () => {
    expect(parseJsonText('\uFEFF{"a": [1, "b"]}')).toEqual({ ok: true, value: { a: [1, 'b'] } });
  });

  it.each([
    ['{"secret": SuperSecret123}', 1, 12, /a value that is not JSON/],
    ["{\n  'secret': 'SuperSecret123'\n}", 2, 3, /a value that is not JSON \(text without double quotes\?\)/],
    ['{"a": 1,\n "b": "SuperSecret123",\n}', 3, 1, /property name in double quotes|trailing/],
    ['{"a": "Super\nSecret123"}', 1, 7, /not closed|not allowed in a string/],
    ['// SuperSecret123\n{}', 1, 1, /comment/],
    ['   ', 1, 4, /the file is empty/],
  ])('names line and column of %j without quoting the text', (text, line, column, what) => {
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(what);
    expect({ line: r.line, column: r.column }).toEqual({ line, column });
    expect(r.message).not.toMatch(/Super|Secret|123/);
  });
});
