/**
 * Every error code WG Deck produces or reacts to is declared in shared/error-codes.ts. The type checks
 * the literals passed to `WgDeckError`; this scan also catches codes made the other ways (a `code`
 * property put on a plain Error, a helper like `failure('X', …)`, a comparison, a set of codes), which
 * the type cannot see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WgDeckError } from '../../src/main/core/errors.ts';
import { ERROR_CODE_LIST, isErrorCode, type ErrorCode } from '../../src/shared/error-codes.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CODE = String.raw`([A-Z][A-Z0-9_]+)`;
const LITERAL = new RegExp(String.raw`(['"\x60])${CODE}\1`, 'g');

/** Where a string literal is an error code. */
const CODE_PLACES: RegExp[] = [
  // The first argument of an error's constructor, of super(), or of a helper that fails with it.
  new RegExp(String.raw`(?:\bnew\s+\w*Error|\bsuper|#?\b\w*[Ff]ail\w*)\s*\(\s*(['"\x60])${CODE}\1`, 'g'),
  // `code: 'X'`, `code = 'X'`, `.code === 'X'`, `errorCode(error) !== 'X'`, `errorCode ?? 'X'`.
  new RegExp(String.raw`[Cc]ode(?:\([^()]*\))?\s*(?:===|!==|==|!=|\?\?|=|:)\s*(['"\x60])${CODE}\1`, 'g'),
];
/** Lists of codes: `new Set([...])` and `[...].includes(code)`. */
const CODE_LISTS: RegExp[] = [/new\s+Set(?:<[^>]*>)?\(\s*\[([^\]]*)\]/g, /\[([^[\]]*)\]\s*\.includes\(/g];

/** Node's own codes (system errors like ENOENT, ERR_* of its modules): compared against, never made. */
const NODE_CODE = /^(?:E[A-Z]+|ERR_[A-Z0-9_]+)$/;

function codesIn(source: string): string[] {
  const found = new Set<string>();
  for (const place of CODE_PLACES) for (const m of source.matchAll(place)) found.add(m[2]!);
  for (const list of CODE_LISTS)
    for (const m of source.matchAll(list)) for (const l of m[1]!.matchAll(LITERAL)) found.add(l[2]!);
  return [...found].filter((code) => !NODE_CODE.test(code));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.(test|testkit)\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('error codes in src', () => {
  it('finds codes in every place a code is made or read (the scan itself)', () => {
    const source = [
      "throw new WgDeckError('A_ONE', 'x');",
      "return new WgDeckError(\n  'A_TWO',\n  'x');",
      "super('A_THREE', message);",
      "Object.assign(new Error('m'), { code: 'A_FOUR' });",
      "readonly code = 'A_FIVE';",
      "if (error.code === 'A_SIX') {}",
      "reject(failure('A_SEVEN', 'x'));",
      "this.#failPending('A_EIGHT', 'x');",
      "const code = live.errorCode ?? 'A_NINE';",
      "errorCode(error) !== 'A_TEN'",
      "const S = new Set(['A_ELEVEN', 'A_TWELVE']);",
      "['A_THIRTEEN', 'A_FOURTEEN'].includes(error.code)",
      // Not codes: a message, Node's codes, an env var, SQL, a label.
      "new Error('Cancelled.'); (e as NodeJS.ErrnoException).code === 'ENOENT'; env['XDG_RUNTIME_DIR'];",
      "db.exec('COMMIT'); label('CPU');",
    ].join('\n');
    expect(codesIn(source).sort()).toEqual(
      [
        'A_ONE',
        'A_TWO',
        'A_THREE',
        'A_FOUR',
        'A_FIVE',
        'A_SIX',
        'A_SEVEN',
        'A_EIGHT',
        'A_NINE',
        'A_TEN',
        'A_ELEVEN',
        'A_TWELVE',
        'A_THIRTEEN',
        'A_FOURTEEN',
      ].sort(),
    );
  });

  const uses = sourceFiles(join(ROOT, 'src'))
    .filter((file) => !file.endsWith(join('shared', 'error-codes.ts')))
    .flatMap((file) => codesIn(readFileSync(file, 'utf8')).map((code) => ({ file, code })));

  it('declares every code thrown, returned, set or compared in src', () => {
    // The scan sees the codes it should (a broken pattern must not pass by finding nothing).
    expect(uses.length).toBeGreaterThan(60);
    const undeclared = uses.filter((use) => !isErrorCode(use.code));
    expect(
      undeclared.map((use) => `${relative(ROOT, use.file)}: ${use.code}`),
      'declare these in src/shared/error-codes.ts',
    ).toEqual([]);
  });

  it('declares no code that nothing in src makes or reads any more', () => {
    const used = new Set(uses.map((use) => use.code));
    expect(
      ERROR_CODE_LIST.filter((code) => !used.has(code)),
      'remove these from src/shared/error-codes.ts',
    ).toEqual([]);
  });
});

describe('the ErrorCode type', () => {
  it('refuses an undeclared code at compile time (npm run typecheck checks this file)', () => {
    // @ts-expect-error -- NOT_A_DECLARED_CODE is not in shared/error-codes.ts, so this must not compile.
    const undeclared = new WgDeckError('NOT_A_DECLARED_CODE', 'x');
    expect(isErrorCode(undeclared.code)).toBe(false);
    // @ts-expect-error -- the same for a plain ErrorCode value.
    const alsoUndeclared: ErrorCode = 'NOT_A_DECLARED_CODE';
    expect(isErrorCode(alsoUndeclared)).toBe(false);
    const declared: ErrorCode = 'HOST_KEY_CHANGED';
    expect(new WgDeckError(declared, 'x').code).toBe('HOST_KEY_CHANGED');
  });
});
