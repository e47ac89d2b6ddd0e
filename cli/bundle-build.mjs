/**
 * The admin CLI as one esbuild bundle run with plain `node`: starting tsx and resolving ~600 CommonJS
 * files cost the centre's staff more than a second per command. Plain JavaScript on purpose: it runs
 * before anything could compile TypeScript.
 *
 * `freshBuild()` answers, cheaply (one JSON read and a stat per project source), the bundle built from
 * the current sources, or null when any of them (or package-lock.json) changed, appeared in the import
 * graph or disappeared since: a stale bundle is never run. `buildCli()` rebuilds it. `npm ci` builds it
 * once (the `prepare` script runs this file); `cli/bundle.mjs` rebuilds on first use when needed.
 *
 * Each build goes to a directory of its own and `current.json` is replaced last, atomically, so that two
 * CLI processes rebuilding at once, or one running while another rebuilds, never see half a bundle.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Under node_modules: ignored by git and by the linters, and gone with a fresh `npm ci`. */
export const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'motcua-cli');
const CURRENT_FILE = 'current.json';
const ENTRY = 'cli/main.ts';
/** A dependency change shows here; node_modules itself is not walked (hundreds of stats per run). */
const LOCK_FILE = 'package-lock.json';
/** Old builds are removed after this long: a process started on one may still load its chunks. */
const OLD_BUILD_GRACE_MS = 10 * 60 * 1000;
/** The same banner as the Lambda bundles (infra/constructs/intake-function.ts): CommonJS deps call `require`. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * @typedef {{ entry: string, builtAt: number, inputs: string[] }} BuildRecord
 * `entry` relative to the cache directory; `inputs` relative to the repository; `builtAt` in ms, taken
 * before esbuild read anything, so a source saved during a build makes the next run rebuild.
 */

/** @returns {BuildRecord | null} */
function readRecord(cacheDir) {
  try {
    const record = JSON.parse(readFileSync(path.join(cacheDir, CURRENT_FILE), 'utf8'));
    const valid =
      typeof record?.entry === 'string' && typeof record.builtAt === 'number' && Array.isArray(record.inputs) && record.inputs.every((input) => typeof input === 'string');
    return valid ? record : null;
  } catch {
    return null;
  }
}

/** Whether every input still exists and none changed since the build started. */
export function isFresh(record, root = REPO_ROOT) {
  for (const input of record.inputs) {
    let modified;
    try {
      modified = statSync(path.join(root, input)).mtimeMs;
    } catch {
      return false;
    }
    if (modified >= record.builtAt) return false;
  }
  return true;
}

/** The file URL of the current bundle's entry, or null when there is none or it is stale. */
export function freshBuild({ root = REPO_ROOT, cacheDir = CACHE_DIR } = {}) {
  const record = readRecord(cacheDir);
  if (!record || !isFresh(record, root)) return null;
  const entry = path.join(cacheDir, record.entry);
  try {
    statSync(entry);
  } catch {
    return null;
  }
  return pathToFileURL(entry).href;
}

function removeOldBuilds(cacheDir, keep) {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (name === keep || !name.startsWith('build-')) continue;
    const dir = path.join(cacheDir, name);
    try {
      if (now - statSync(dir).mtimeMs > OLD_BUILD_GRACE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}

/** Bundles the CLI from the sources and makes it current; returns the file URL of its entry. */
export async function buildCli({ root = REPO_ROOT, cacheDir = CACHE_DIR } = {}) {
  const esbuild = await import('esbuild');
  const builtAt = Date.now();
  const name = `build-${builtAt}-${process.pid}`;
  const outdir = path.join(cacheDir, name);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: ENTRY },
    outdir,
    bundle: true,
    // One chunk per command (cli/main.ts imports each one dynamically): `validate` never parses the AWS SDK.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    // Minified, names kept (errors are reported by class name): a third of the code for Node to parse at start.
    minify: true,
    keepNames: true,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/') && !input.startsWith('<'))
    .concat(LOCK_FILE)
    .sort();
  const record = { entry: path.join(name, 'main.mjs'), builtAt, inputs };
  const temporary = path.join(cacheDir, `${CURRENT_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, path.join(cacheDir, CURRENT_FILE));
  removeOldBuilds(cacheDir, name);
  return pathToFileURL(path.join(cacheDir, record.entry)).href;
}

// `node cli/bundle-build.mjs` (the `prepare` script of `npm ci`): build now. Without esbuild (an install
// without dev dependencies) the CLI is built on first use instead, so this never fails an install.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildCli();
  } catch (error) {
    process.stderr.write(`cli bundle not built now (${error instanceof Error ? error.message : String(error)}); it is built on first use.\n`);
  }
}
