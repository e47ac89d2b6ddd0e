/**
 * `node infra/constructs/ship-exceljs.mjs <asset dir> <esbuild target> <banner>`: the after-bundling step of every function
 * (infra/constructs/intake-function.ts). The functions' bundles leave exceljs out (1.1 MB that Node would
 * otherwise parse at every cold start, though it runs only when a workbook is written) and load it with a
 * dynamic `import('exceljs')` (shared/workbook/exceljs.ts). This step puts it beside a bundle that has
 * that import, as `node_modules/exceljs`, so Node resolves it from the asset as it would from an install:
 * the installed (locked) version, built by esbuild into one minified ES module with its licence.
 *
 * Pre-built rather than `bundling.nodeModules` (an `npm ci` per function at synth): 1 MB per asset instead
 * of 55 MB of sources and browser builds, nothing fetched at synth, and a first use that costs what it did
 * inside the bundle. An ES module, not CommonJS: Node imports CommonJS into an ES module by parsing it
 * twice more (format detection, export names), which made the first use as slow as the ~300 files of an
 * install (measured: docs/PERFORMANCE.md).
 *
 * Plain JavaScript: CDK runs it as a shell command, before anything could compile TypeScript.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const PACKAGE = 'exceljs';
/** How esbuild writes the bundle's dynamic import of an external package (minified or not). */
const DYNAMIC_IMPORT = new RegExp(`\\bimport\\(\\s*["']${PACKAGE}["']\\s*\\)`);
/** `.mjs`: an ES module whatever the package.json says. */
const ENTRY = 'index.mjs';
/**
 * Ships exceljs beside `assetDir/index.mjs` when that bundle imports it; answers whether it did.
 * @param {string} assetDir
 * @param {{ target: string, banner: string, root?: string }} options the functions' esbuild target and
 *   banner (exceljs is CommonJS: it calls `require`); where exceljs is installed (the repository by default)
 */
export async function shipExcelJs(assetDir, { target, banner, root = fileURLToPath(new URL('../../', import.meta.url)) }) {
  const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
  if (!DYNAMIC_IMPORT.test(bundle)) return false;
  const require = createRequire(path.join(root, 'package.json'));
  const installedManifest = require.resolve(`${PACKAGE}/package.json`);
  const installed = JSON.parse(readFileSync(installedManifest, 'utf8'));
  const packageDir = path.join(assetDir, 'node_modules', PACKAGE);
  mkdirSync(packageDir, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [require.resolve(PACKAGE)],
    outfile: path.join(packageDir, ENTRY),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    banner: { js: banner },
    minify: true,
    // exceljs's errors keep their class names in the logs, as the functions' own do.
    keepNames: true,
    // The licences of exceljs's own dependencies, at the end of the file.
    legalComments: 'eof',
    logLevel: 'error',
  });
  writeFileSync(
    path.join(packageDir, 'package.json'),
    `${JSON.stringify({ name: PACKAGE, version: installed.version, license: installed.license, main: ENTRY }, null, 2)}\n`,
  );
  copyFileSync(path.join(path.dirname(installedManifest), 'LICENSE'), path.join(packageDir, 'LICENSE'));
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [assetDir, target, banner] = process.argv.slice(2);
  if (!assetDir || !target || banner === undefined) {
    process.stderr.write('usage: node infra/constructs/ship-exceljs.mjs <asset dir> <esbuild target> <banner>\n');
    process.exit(2);
  }
  await shipExcelJs(assetDir, { target, banner });
}
