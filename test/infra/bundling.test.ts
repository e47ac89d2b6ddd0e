/**
 * One real synthesis with bundling: esbuild turns each handler into the ESM file Lambda runs, offline, and
 * that file loads on Node with only the AWS SDK coming from outside (as on the nodejs22.x runtime).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, REPO_ROOT } from '../../infra/constructs/intake-function.js';
import type { IntakeStack } from '../../infra/intake-stack.js';
import { buildIntakeStack, logicalIdOf } from './fixtures/synth.js';

let stack: IntakeStack;
let assemblyDir: string;
let resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;

beforeAll(() => {
  // Inside the repository (cdk.out is ignored by git) so that the bundle's external `@aws-sdk/*`
  // imports resolve from node_modules when the test loads it, as they resolve from the runtime on Lambda.
  const parent = path.join(REPO_ROOT, 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(path.join(parent, 'bundling-test-'));
  const built = buildIntakeStack({ bundle: true, outdir });
  stack = built.stack;
  const assembly = built.app.synth();
  assemblyDir = assembly.directory;
  resources = assembly.getStackByName(stack.stackName).template.Resources;
}, 180_000);

afterAll(() => {
  if (assemblyDir) rmSync(assemblyDir, { recursive: true, force: true });
});

function bundleDirOf(name: 'apiFunction' | 'processUploadFunction'): string {
  const key = resources[logicalIdOf(stack[name].function)]?.Properties.Code?.S3Key;
  if (!key) throw new Error(`${name} has no code asset`);
  return path.join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`);
}

describe.each(['apiFunction', 'processUploadFunction'] as const)('the %s bundle', (name) => {
  it('is one minified ESM file with its source map', () => {
    const dir = bundleDirOf(name);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    // Minified: thousands of characters per line where readable code has tens.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('leaves the AWS SDK to the runtime and bundles everything else', () => {
    const code = readFileSync(path.join(bundleDirOf(name), 'index.mjs'), 'utf8');
    const importStatement = /\bimport\s*(?:[\w$]+|\*\s*as\s*[\w$]+|\{[^}]*\})\s*from\s*"([\w@/.:-]+)"/g;
    const imports = [...code.matchAll(importStatement)].map((match) => match[1] ?? '');
    expect(imports.length).toBeGreaterThan(0);
    for (const specifier of imports) {
      expect(specifier, specifier).toMatch(/^(@aws-sdk\/|node:|module$|[a-z_]+$)/);
    }
    expect(imports.some((specifier) => specifier.startsWith('@aws-sdk/'))).toBe(true);
    // Not bundled: the SDK's own sources would carry its user-agent package name.
    expect(code).not.toMatch(/"@aws-sdk\/middleware-user-agent"/);
  });

  it('loads on Node and exports the Lambda handler', () => {
    const url = pathToFileURL(path.join(bundleDirOf(name), 'index.mjs')).href;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'bundling-test',
        AWS_SECRET_ACCESS_KEY: 'bundling-test',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        TABLE_NAME: 'bundling-test',
        BUCKET_NAME: 'bundling-test',
        // A raw secret, so loading makes no network call; on AWS the function reads TOKEN_SECRET_ARN.
        TOKEN_SECRET: 'bundling-test-secret-of-at-least-32-characters',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(output.trim()).toBe('function');
  });
});
