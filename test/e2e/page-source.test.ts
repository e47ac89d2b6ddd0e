/**
 * The upload page must run on the old browsers of district offices, offline from the internet, with no
 * build step: these checks read the shipped files as they are.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { WEB_FILES } from './support/web.js';

const script = readFileSync(WEB_FILES.script, 'utf8');
const page = readFileSync(WEB_FILES.page, 'utf8');
const styles = readFileSync(WEB_FILES.styles, 'utf8');

function transpile(code: string, target: ts.ScriptTarget): string {
  return ts.transpileModule(code, {
    fileName: 'app.js',
    compilerOptions: { allowJs: true, target, module: ts.ModuleKind.None, removeComments: false },
  }).outputText;
}

/** ES5 code comes out of an ES5 down-levelling unchanged; any later syntax (=>, `…`, let, ?., …) is rewritten. */
function isEs5Syntax(code: string): boolean {
  return transpile(code, ts.ScriptTarget.ES5) === transpile(code, ts.ScriptTarget.ESNext);
}

describe('the ES5 syntax check itself', () => {
  it.each([
    ['an arrow function', 'var f = () => 1;'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the check's input is a template literal on purpose
    ['a template literal', 'var s = `a${1}`;'],
    ['let', 'let a = 1;'],
    ['const', 'const a = 1;'],
    ['optional chaining', 'var a = b?.c;'],
    ['nullish coalescing', 'var a = b ?? c;'],
    ['a shorthand property', 'var o = { a };'],
    ['a class', 'class A {}'],
    ['destructuring', 'var { a } = b;'],
    ['a default parameter', 'function f(a = 1) { return a; }'],
    ['for…of', 'for (var x of y) {}'],
    ['async', 'async function f() {}'],
  ])('flags %s', (_what, code) => {
    expect(isEs5Syntax(code)).toBe(false);
  });

  it('accepts plain ES5', () => {
    expect(isEs5Syntax("var o = { a: 1 }; function f(x) { return x ? o.a : 'b'; }")).toBe(true);
  });
});

describe('the upload page', () => {
  it('is ES5 JavaScript, so it runs on old browser engines without a build step', () => {
    expect(isEs5Syntax(script)).toBe(true);
  });

  it.each([
    ['fetch(', 'fetch'],
    ['Promise', 'Promise'],
    ['.includes(', 'String/Array.prototype.includes'],
    ['.startsWith(', 'String.prototype.startsWith'],
    ['Object.assign', 'Object.assign'],
    ['Array.from', 'Array.from'],
    ['URLSearchParams', 'URLSearchParams'],
    ['classList', 'Element.classList (partial in old engines)'],
    ['import ', 'ES modules'],
  ])('does not call %s, which old engines lack (%s)', (needle) => {
    expect(script).not.toContain(needle);
  });

  it('loads nothing from another site (no internet in district offices, no CDN, no web font)', () => {
    const addresses = [page, script, styles].flatMap((text) => text.match(/(?:src|href)\s*=\s*["'][^"']*["']|url\([^)]*\)/g) ?? []);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).not.toMatch(/https?:|["'(]\/\//);
    expect(page).not.toMatch(/<script[^>]+type=["']module["']/);
  });

  it('is in Vietnamese and scales to a phone screen', () => {
    expect(page).toMatch(/<html lang="vi">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<meta charset="utf-8">');
  });
});
