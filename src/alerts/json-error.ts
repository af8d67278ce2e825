// Where a JSON text first goes wrong, as an offset and a message. JSON.parse
// says whether the text is valid, but Node 20's messages often carry no
// position ("Unexpected token 'x', "…" is not valid JSON"), so after a failure
// jsonc-parser (strict: no comments, no trailing commas) locates the error.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character, expected a JSON value',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a double-quoted property name',
  ValueExpected: 'expected a JSON value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'control character in a string (escape it, e.g. \\n)',
};

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return undefined;
  const code = printParseErrorCode(first.error);
  // `{"a": 1,}`: the comma is the mistake, not the brace after it.
  const before = text.slice(0, first.offset).trimEnd();
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && before.endsWith(',') && /^[}\]]/.test(text.slice(first.offset))) {
    return { offset: before.length - 1, message: `trailing comma before '${text[first.offset]}'` };
  }
  const at = first.offset >= text.length ? 'end of input' : JSON.stringify(text.slice(first.offset, first.offset + Math.max(1, Math.min(first.length, 12))));
  return { offset: first.offset, message: `${MESSAGES[code] ?? code}, got ${at}` };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
