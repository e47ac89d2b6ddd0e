/**
 * The repository stands alone: a fresh clone, with nothing beside it, must run and pass its tests. So no
 * tracked file may name a path that climbs out of the repository (the team folder `../shared` was once read
 * by the tests, and a clone without it failed with ENOENT).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CODE = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs', '.sh', '.json', '.jsonc', '.html', '.css']);
const DOCS = new Set(['.md']);
const CHECKED_NAMES = new Set(['run', 'Makefile']);
/** This file's own examples name escaping paths on purpose. */
const THIS_FILE = relative(ROOT, fileURLToPath(import.meta.url));

/** Tracked files (from git when this is a checkout, else every file outside dependencies and build output). */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** A relative path written in `file` (a string literal or a link) that resolves outside the repository. */
function escapingPaths(file: string, text: string): string[] {
  const found: string[] = [];
  // The static prefix of a quoted or linked relative path: '../x', "./y", `../z/${…}`, ](../w).
  const literal = /(?:['"`(]|\s)((?:\.\.?\/)+[^'"`)\s$]*)/g;
  for (const match of text.matchAll(literal)) {
    const path = match[1] as string;
    const target = resolve(dirname(join(ROOT, file)), path);
    const inside = relative(ROOT, target);
    if (inside === '..' || inside.startsWith(`..${sep}`)) found.push(path);
  }
  // Absolute paths into this workplace (the team folder sits beside the checkout there).
  for (const match of text.matchAll(/(?:^|[\s'"`=(])(\/work\/[^\s'"`)]*)/gm)) found.push(match[1] as string);
  return [...new Set(found)];
}

describe('the repository stands alone', () => {
  const files = trackedFiles().filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json');

  it('is a git checkout whose files can be listed', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('no tracked code or document names a path outside the repository', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const extension = extname(file);
      const name = file.split('/').pop() ?? '';
      if (file === THIS_FILE || (!CODE.has(extension) && !DOCS.has(extension) && !CHECKED_NAMES.has(name))) continue;
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the working tree, not yet committed
      }
      for (const path of escapingPaths(file, text)) offenders.push(`${file}: ${path}`);
    }
    expect(offenders).toEqual([]);
  });

  it.each([
    ['test/support/samples.ts', "new URL('../../../shared/samples/', import.meta.url)", ['../../../shared/samples/']],
    ['test/unit/x.test.ts', 'readFileSync(`../../../../shared/samples/$' + '{file}`)', ['../../../../shared/samples/']],
    ['README.md', 'try `../shared/samples/s01.xlsx`', ['../shared/samples/s01.xlsx']],
    ['.ci/run', 'cp -r /work/shared/samples .', ['/work/shared/samples']],
    ['test/support/samples.ts', "new URL('../../samples/', import.meta.url)", []],
    ['infra/local/stack.ts', "import { x } from '../../shared/config.js'", []],
  ])('flags a path that climbs out: %s %s', (file, text, expected) => {
    expect(escapingPaths(file, text)).toEqual(expected);
  });
});
