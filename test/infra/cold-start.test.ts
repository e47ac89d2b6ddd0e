/**
 * What a function's cold start pays for, as properties (never timings: those are the bench's, in ratios).
 * Source maps cost every cold start (Node parses the whole map when `--enable-source-maps` is on), so the
 * functions ship without them unless the deployer asks: `-c motcua:sourceMaps=true`. And importing a
 * function runs only the packages its every call needs: exceljs (beside the bundle), the SES and Secrets
 * Manager clients and the presigners (in it, parsed with it) run on first use.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING, functionEsbuildOptions, REPO_ROOT, SOURCE_MAPS_CONTEXT } from '../../infra/constructs/intake-function.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

/** NODE_OPTIONS of the api and process-upload functions in the synthesized template. */
function nodeOptionsOf(context: Record<string, unknown>): unknown[] {
  const { stack, template } = synthIntakeStack({ context });
  const functions = template.findResources('AWS::Lambda::Function');
  return [stack.apiFunction, stack.processUploadFunction].map((fn) => {
    const properties = functions[logicalIdOf(fn.function)]?.Properties as { Environment?: { Variables?: Record<string, unknown> } };
    return properties.Environment?.Variables?.NODE_OPTIONS;
  });
}

describe('source maps at run time', () => {
  it.each([
    ['not set', false, {}],
    ['false', false, { [SOURCE_MAPS_CONTEXT]: false }],
    ['"false" (from -c)', false, { [SOURCE_MAPS_CONTEXT]: 'false' }],
    ['true', true, { [SOURCE_MAPS_CONTEXT]: true }],
    ['"true" (from -c)', true, { [SOURCE_MAPS_CONTEXT]: 'true' }],
  ])('motcua:sourceMaps %s: functions run with --enable-source-maps: %s', (_label, expected, context) => {
    expect(nodeOptionsOf(context)).toEqual(expected ? ['--enable-source-maps', '--enable-source-maps'] : [undefined, undefined]);
  });
});

/** Packages a function may run when a call needs them, never by being imported. */
const LOADED_ON_FIRST_USE = [
  'exceljs',
  '@aws-sdk/client-ses',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/s3-presigned-post',
  '@aws-sdk/s3-request-presigner',
] as const;
/** What every call of the two functions needs, so importing them runs it. */
const RUN_AT_IMPORT = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-s3'] as const;
/**
 * The SDK packages watched in the bundles (run at import, or only bundled until first use), each by the
 * module of its ESM build that what we call lives in: not the package's index, which only re-exports and
 * which esbuild leaves out (the SDK's packages declare `"sideEffects": false`).
 */
const WATCHED_SDK_MODULES: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient.js',
  '@aws-sdk/lib-dynamodb': 'DynamoDBDocumentClient.js',
  '@aws-sdk/client-s3': 'S3Client.js',
  '@aws-sdk/client-ses': 'SESClient.js',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient.js',
  '@aws-sdk/s3-presigned-post': 'createPresignedPost.js',
  '@aws-sdk/s3-request-presigner': 'getSignedUrl.js',
};
/** The global the watched packages' entry modules record themselves in, in the probe bundles only. */
const RUN_RECORD = '__motcuaModulesRun';

/** A module of a package's build that esbuild picks with FUNCTION_BUNDLING's mainFields (the SDK has no `exports`). */
function bundledModuleOf(name: string, file: string): string {
  const manifestPath = createRequire(path.join(REPO_ROOT, 'package.json')).resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const field = FUNCTION_BUNDLING.mainFields.map((key) => manifest[key]).find((value) => typeof value === 'string');
  if (typeof field !== 'string' || 'exports' in manifest) throw new Error(`${name}: no entry esbuild would pick by mainFields`);
  return path.join(path.dirname(path.join(path.dirname(manifestPath), field)), file);
}

/**
 * Appends to each watched module a statement recording, under its package's name, that the module ran: esbuild keeps
 * a module reached by `require()` or `import()` in a wrapper run on the first call, so what ran at import
 * is what the bundle runs, not what it contains. Answers, through `bundled`, which of them the bundle has.
 */
function recordWhatRuns(bundled: Set<string>): esbuild.Plugin {
  const entries = new Map(Object.entries(WATCHED_SDK_MODULES).map(([name, file]) => [bundledModuleOf(name, file), name]));
  const escaped = [...entries.keys()].map((file) => file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    name: 'record-what-runs',
    setup(build) {
      build.onLoad({ filter: new RegExp(`^(${escaped.join('|')})$`) }, (args) => {
        const name = entries.get(args.path);
        if (!name) return undefined;
        bundled.add(name);
        const record = `(globalThis.${RUN_RECORD} ??= []).push(${JSON.stringify(name)});`;
        return { contents: `${readFileSync(args.path, 'utf8')}\n${record}\n`, loader: 'js' };
      });
    },
  };
}

describe('what importing a function runs (the token secret given as a value, as locally)', () => {
  let bundleDir: string;
  const bundles = { api: 'functions/api/handler.ts', 'process-upload': 'functions/process-upload/handler.ts' } as const;
  /** Of the packages loaded on first use, those each function can reach (the rest are not in its bundle). */
  const reachable = {
    api: ['@aws-sdk/client-ses', '@aws-sdk/client-secrets-manager', '@aws-sdk/s3-presigned-post', '@aws-sdk/s3-request-presigner'],
    'process-upload': ['@aws-sdk/client-ses', '@aws-sdk/client-secrets-manager'],
  } as const;
  const bundledPackages: Record<keyof typeof bundles, Set<string>> = { api: new Set(), 'process-upload': new Set() };

  beforeAll(async () => {
    // Inside the repository, so that exceljs, which the bundles leave out, resolves from node_modules (as
    // on Lambda from the asset's own node_modules).
    const parent = path.join(REPO_ROOT, 'node_modules', '.cache');
    mkdirSync(parent, { recursive: true });
    bundleDir = mkdtempSync(path.join(parent, 'cold-start-test-'));
    for (const [name, entry] of Object.entries(bundles) as [keyof typeof bundles, string][]) {
      // The deployed build (FUNCTION_BUNDLING: the AWS SDK inside the bundle), and the recording statements.
      await esbuild.build({
        absWorkingDir: REPO_ROOT,
        entryPoints: [entry],
        outfile: path.join(bundleDir, `${name}.mjs`),
        ...functionEsbuildOptions(),
        plugins: [recordWhatRuns(bundledPackages[name])],
        logLevel: 'error',
      });
    }
  });

  afterAll(() => {
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  /**
   * The watched packages run, and the npm packages loaded from node_modules (exceljs, outside the bundle),
   * once a fresh Node has imported the bundle.
   */
  function packagesRunByImporting(name: keyof typeof bundles): string[] {
    const script = `await import(${JSON.stringify(pathToFileURL(path.join(bundleDir, `${name}.mjs`)).href)});
      const { createRequire } = await import('node:module');
      console.log(JSON.stringify({ run: globalThis.${RUN_RECORD} ?? [], files: Object.keys(createRequire(import.meta.url).cache) }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'ap-southeast-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        TABLE_NAME: 'cold-start-test',
        BUCKET_NAME: 'cold-start-test',
        TOKEN_SECRET: 'cold-start-test-secret-of-at-least-32-characters',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const { run, files } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { run: string[]; files: string[] };
    const loaded = files.flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []);
    return [...new Set([...run, ...loaded])];
  }

  it.each(Object.keys(bundles) as (keyof typeof bundles)[])('%s: runs the DynamoDB and S3 clients, and none of those loaded on first use', (name) => {
    const run = packagesRunByImporting(name);
    expect(run).toEqual(expect.arrayContaining([...RUN_AT_IMPORT]));
    for (const onFirstUse of LOADED_ON_FIRST_USE) expect(run, onFirstUse).not.toContain(onFirstUse);
    // Not vacuous: the packages it may call are in the bundle (parsed), only not run.
    expect([...bundledPackages[name]]).toEqual(expect.arrayContaining([...reachable[name]]));
  });
});
