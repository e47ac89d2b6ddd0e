/**
 * The README is what a newcomer follows on a fresh clone: what it names must exist, and what it states must
 * agree with the project's own files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

describe('the README agrees with the project', () => {
  it('names one Node.js version, the one package.json requires', () => {
    const required = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(required).toBeDefined();
    // "Node.js N or newer" is what a machine needs; "Node.js 22" elsewhere is the Lambda runtime.
    const stated = [...readme.matchAll(/Node\.js (\d+(?:\.\d+)?) or newer/g)].map((m) => m[1]);
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([required]));
  });

  it('every `npm run X` it shows is a script of package.json', () => {
    const used = [...readme.matchAll(/npm run (?:--silent )?([a-z][a-z0-9:-]*)/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(5);
    for (const script of used) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it('every repository file or folder it names in backticks exists', () => {
    const named = [...readme.matchAll(/`((?:samples|shared|functions|infra|web|cli|test|bench|docs|scripts|\.ci)\/[A-Za-z0-9._/-]*)`/g)]
      .map((m) => m[1] as string)
      .filter((path) => !path.includes('<') && !path.endsWith('/*'));
    expect(named.length).toBeGreaterThan(10);
    // A generated output the repository ignores (bench/results.json) exists only after its command ran.
    const ignored = (path: string) => spawnSync('git', ['check-ignore', '-q', path], { cwd: ROOT }).status === 0;
    const missing = named.filter((path) => !existsSync(`${ROOT}${path}`) && !ignored(path));
    expect(missing).toEqual([]);
  });

  it('says how to move the ports, how to stop the stack, and that the demo deadline has passed', () => {
    expect(readme).toMatch(/PORT=\d+ npm start/);
    expect(readme).toMatch(/Ctrl-C/);
    expect(readme).toMatch(/npm run stop/);
    expect(readme).toMatch(/ROSTER_DEADLINE=\d{4}-\d{2}-\d{2} npm start/);
  });
});
