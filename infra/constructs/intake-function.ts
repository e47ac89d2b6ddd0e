/**
 * One construct carries the defaults every function of the app shares, so a new function is its entry,
 * its size and its grants, nothing else: Node.js 22 on arm64, an ESM bundle made by esbuild (minified;
 * source maps only when asked for, see SOURCE_MAPS_CONTEXT), the locked AWS SDK inside it, exceljs
 * shipped beside it (see FUNCTION_BUNDLING), a log group of its own with a retention, and a role of
 * its own that starts with nothing but the right to write that log group.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: bundling resolves entries, node_modules and the lock file from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

/**
 * CommonJS dependencies (exceljs and friends) call `require`, which an ESM bundle lacks: give it one.
 * Exported so the bundling test can look for it in the output.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Run after esbuild in each function's asset directory (see FUNCTION_BUNDLING.externalModules). */
export const SHIP_EXCELJS_SCRIPT = 'infra/constructs/ship-exceljs.mjs';

/**
 * How esbuild builds every function, exported so that the bench (bench/run.ts) measures the bundles that
 * deploy.
 */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  /** The runtime's Node.js (FUNCTION_RUNTIME). */
  target: 'node22',
  minify: true,
  // Minified class names would turn `TokenError` into `ae` in logs and in the error type Lambda reports.
  keepNames: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  /**
   * Left out of the bundle: exceljs only. The AWS SDK v3 is bundled, though the nodejs22.x runtime ships
   * one, as AWS advises for Node.js functions: a cold import of the runtime's SDK (CommonJS loaded into an
   * ES module: format detection, export lexing, two compilations) was most of what was left of a cold start,
   * and esbuild's tree-shaken ES module build of it is about half that (docs/PERFORMANCE.md); and the
   * functions run the SDK version package-lock.json pins, the one the tests ran, not whatever the runtime
   * has that day. The price: SDK fixes reach the functions only through our lock file (`npm audit`, an
   * update, a deploy), no longer by AWS patching the runtime. Packages the code loads on first use
   * (`require('@aws-sdk/client-ses')`, `import('@aws-sdk/s3-presigned-post')`…) are bundled as modules
   * run on that first call: parsed with the bundle, at no measurable cost.
   * exceljs (1.1 MB, more than the rest of a bundle) is needed only to write a workbook and loaded then
   * (shared/workbook/exceljs.ts), but Node parses a whole bundle at every cold start, used or not: so it is
   * not in the bundle but beside it, in the asset's `node_modules`, where SHIP_EXCELJS_SCRIPT puts it for
   * each bundle that imports it.
   */
  externalModules: ['exceljs'],
} as const;

/**
 * FUNCTION_BUNDLING as esbuild's own options, for what builds a function bundle outside CDK (the bench, the
 * cold-start test): the same build CDK makes, said once.
 */
export function functionEsbuildOptions(external: readonly string[] = FUNCTION_BUNDLING.externalModules): {
  bundle: true;
  platform: 'node';
  format: typeof FUNCTION_BUNDLING.format;
  target: string;
  minify: boolean;
  keepNames: boolean;
  mainFields: string[];
  banner: { js: string };
  external: string[];
} {
  return {
    bundle: true,
    platform: 'node',
    format: FUNCTION_BUNDLING.format,
    target: FUNCTION_BUNDLING.target,
    minify: FUNCTION_BUNDLING.minify,
    keepNames: FUNCTION_BUNDLING.keepNames,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    external: [...external],
  };
}

/** A path as one word of the `bash -c` command CDK runs for a hook. */
function shellWord(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * `cdk deploy -c motcua:sourceMaps=true` ships each bundle with its source map and runs it with
 * `--enable-source-maps`, so that stack traces point at the TypeScript. Off by default: Node then parses
 * the whole map at start-up, which measured about 1.5× the cold import and +70 MB per function
 * (docs/PERFORMANCE.md); class names survive minification anyway (`keepNames`), so errors stay readable.
 */
export const SOURCE_MAPS_CONTEXT = 'motcua:sourceMaps';

/** Context values arrive as strings from `-c key=value` and as JSON values from cdk.json. */
export function sourceMapsRequested(scope: Construct): boolean {
  const value: unknown = scope.node.tryGetContext(SOURCE_MAPS_CONTEXT);
  return value === true || value === 'true';
}

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface IntakeFunctionProps {
  /** Handler file, relative to the repository root (e.g. `functions/api/handler.ts`); it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Megabytes. CPU grows with memory on Lambda, so workbook parsing wants more than JSON routing. */
  readonly memorySize: number;
  readonly timeout: Duration;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` key of every log line of this function. */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  readonly logLevel?: PowertoolsLogLevel;
  readonly environment?: Readonly<Record<string, string>>;
}

export class IntakeFunction extends Construct {
  readonly function: NodejsFunction;
  /** The function's own role: grants go here, never to a shared role. */
  readonly role: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: IntakeFunctionProps) {
    super(scope, id);

    // An explicit log group (rather than the deprecated `logRetention` custom resource) keeps retention
    // in the template and lets the role be scoped to this one group.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // A role of our own instead of the default one, which would attach the AWS managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group of the account).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (motcua-intake)`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    const sourceMaps = sourceMapsRequested(this);
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point at the TypeScript source, at a cold-start cost: only when asked for.
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      bundling: {
        ...FUNCTION_BUNDLING,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        sourceMap: sourceMaps,
        sourcesContent: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // `inputDir` is the repository (or its mount when CDK bundles in Docker).
          afterBundling: (inputDir, outputDir) => [
            ['node', path.posix.join(inputDir, SHIP_EXCELJS_SCRIPT), outputDir, FUNCTION_BUNDLING.target, FUNCTION_BUNDLING.banner]
              .map(shellWord)
              .join(' '),
          ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the chosen, supported LTS runtime (the code is tested on Node 20 and 22); moving to a newer runtime is a one-line change of FUNCTION_RUNTIME after the test suite passes on it.',
    });
  }
}

/** Default sizes per kind of work, so a new function picks a line instead of guessing. */
export const FUNCTION_SIZES = {
  /** JSON in, JSON out, a few DynamoDB calls: the API answers in well under a second. */
  api: { memorySize: 512, timeout: Duration.seconds(10) },
  /** Reads and annotates a workbook of up to 5 MiB (exceljs peaks at a few hundred MB on large files). */
  workbook: { memorySize: 1536, timeout: Duration.seconds(90) },
  /** A scheduled batch job: queries, aggregates, builds a workbook, sends one e-mail. */
  batch: { memorySize: 1024, timeout: Duration.minutes(5) },
} as const;
