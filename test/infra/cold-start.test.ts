/**
 * What a function's cold start pays for, as properties (never timings: those are the bench's, in ratios).
 * Source maps cost every cold start (Node parses the whole map when `--enable-source-maps` is on), so the
 * functions ship without them unless the deployer asks: `-c motcua:sourceMaps=true`. And importing a
 * function loads only the packages its every call needs: exceljs, the SES and Secrets Manager clients and
 * the presigners load on first use.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING, REPO_ROOT, SOURCE_MAPS_CONTEXT } from '../../infra/constructs/intake-function.js';
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

/** Packages a function may load when a call needs them, never by being imported. */
const LOADED_ON_FIRST_USE = [
  'exceljs',
  '@aws-sdk/client-ses',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/s3-presigned-post',
  '@aws-sdk/s3-request-presigner',
] as const;

describe('what importing a function loads (the token secret given as a value, as locally)', () => {
  let bundleDir: string;
  const bundles = { api: 'functions/api/handler.ts', 'process-upload': 'functions/process-upload/handler.ts' } as const;

  beforeAll(async () => {
    // Inside the repository, so that what the bundles leave out resolves from node_modules as on Lambda.
    const parent = path.join(REPO_ROOT, 'node_modules', '.cache');
    mkdirSync(parent, { recursive: true });
    bundleDir = mkdtempSync(path.join(parent, 'cold-start-test-'));
    for (const [name, entry] of Object.entries(bundles)) {
      await esbuild.build({
        absWorkingDir: REPO_ROOT,
        entryPoints: [entry],
        outfile: path.join(bundleDir, `${name}.mjs`),
        bundle: true,
        platform: 'node',
        format: FUNCTION_BUNDLING.format,
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        keepNames: FUNCTION_BUNDLING.keepNames,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: { js: FUNCTION_BUNDLING.banner },
        external: [...FUNCTION_BUNDLING.externalModules],
        logLevel: 'error',
      });
    }
  });

  afterAll(() => {
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  /** The npm packages loaded (CommonJS, as the SDK and exceljs are) once a fresh Node has imported the bundle. */
  function packagesLoadedByImporting(name: keyof typeof bundles): string[] {
    const script = `await import(${JSON.stringify(pathToFileURL(path.join(bundleDir, `${name}.mjs`)).href)});
      const { createRequire } = await import('node:module');
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
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
    const files = JSON.parse(output.trim().split('\n').at(-1) ?? '[]') as string[];
    return [...new Set(files.flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []))];
  }

  it.each(Object.keys(bundles) as (keyof typeof bundles)[])('%s: the DynamoDB and S3 clients, and none of those loaded on first use', (name) => {
    const loaded = packagesLoadedByImporting(name);
    expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-s3']));
    for (const onFirstUse of LOADED_ON_FIRST_USE) expect(loaded, onFirstUse).not.toContain(onFirstUse);
  });
});
