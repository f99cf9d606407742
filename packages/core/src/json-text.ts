import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/** Line and column (both from 1) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

const READABLE: Record<string, string> = {
  InvalidSymbol: 'a value that is not JSON (text without double quotes?)',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'text after the end of the JSON value',
  InvalidCommentToken: 'a comment (JSON has none)',
  UnexpectedEndOfComment: 'an unfinished comment',
  UnexpectedEndOfString: 'a string that is not closed',
  UnexpectedEndOfNumber: 'an unfinished number',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape in a string',
  InvalidCharacter: 'a character not allowed in a string (a raw line break or control character?)',
};

/**
 * Parses JSON text (a leading byte-order mark, as Windows editors save it, is ignored). A syntax
 * error says where (line, column) and what, but never quotes the text: a config file may hold a
 * secret next to the mistake, and JavaScript's own message quotes the text around it.
 */
export function parseJsonText(text: string): JsonTextResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    const errors: ParseError[] = [];
    parseTolerant(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors.sort((a, b) => a.offset - b.offset)[0];
    const offset = first?.offset ?? body.length;
    const { line, column } = lineColumn(body, offset);
    const code = first ? printParseErrorCode(first.error) : 'ValueExpected';
    const what = body.trim() === '' ? 'the file is empty' : first ? (READABLE[code] ?? code) : "the JSON is malformed (a trailing ',' or a character JSON does not allow?)";
    return { ok: false, message: `line ${line}, column ${column}: ${what}`, line, column };
  }
}
