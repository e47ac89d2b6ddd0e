/**
 * Where the admin CLI talks to: the running local stack by default (endpoints from `.data/stack.json`,
 * the token secret from `.data/token-secret`), or AWS when `MOTCUA_TARGET=aws` (`TABLE_NAME`,
 * `BUCKET_NAME`, `TOKEN_SECRET_ARN`, `PUBLIC_BASE_URL`, credentials from the usual AWS chain).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { createAwsClients, destroyAwsClients, EMULATOR_CREDENTIALS, S3RVER_CREDENTIALS } from '../../shared/aws/clients.js';
import { DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_ROSTER_DEADLINE, loadConfig } from '../../shared/config.js';
import { InputError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { parseAdminSettings } from '../../shared/admin/settings.js';
import { createDeps, loadDeps, type PipelineDeps } from '../../shared/pipeline/deps.js';
import { readOrCreateTokenSecret, STACK_FILE } from './data-dir.js';
import { type DeadLetter, listDeadLetters } from './delivery.js';

export const DEFAULT_DATA_DIR = '.data';

// The SDK warns on every CLI run that Node 20 support ends in 2027; staff cannot act on that.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return resolve(env.MOTCUA_DATA_DIR ?? DEFAULT_DATA_DIR);
}

const stackFileSchema = z.object({
  baseUrl: z.string().url(),
  s3Url: z.string().url(),
  sesUrl: z.string().url(),
  dynamodbUrl: z.string().url(),
  tableName: z.string().min(1),
  bucketName: z.string().min(1),
  rosterDeadline: z.iso.date().default(DEFAULT_ROSTER_DEADLINE),
  pid: z.number().int(),
});
export type RunningStack = z.infer<typeof stackFileSchema>;

const isAws = (env: NodeJS.ProcessEnv) => env.MOTCUA_TARGET === 'aws';

/** The running local stack's endpoints, or undefined when `npm start` is not running. */
export async function runningStack(dataDir: string): Promise<RunningStack | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, STACK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = stackFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch {
    return undefined; // left behind by a stack that did not stop cleanly
  }
  return parsed.data;
}

/** What `invite` needs: the token secret and the page's base URL; no running stack required locally. */
export async function inviteTarget(env: NodeJS.ProcessEnv): Promise<{ secret: string; baseUrl: string }> {
  if (isAws(env)) {
    const baseUrl = env.PUBLIC_BASE_URL;
    if (!baseUrl) throw new InputError('Thiếu biến môi trường PUBLIC_BASE_URL (địa chỉ trang tải lên trên AWS).');
    const deps = await awsDeps(env);
    destroyAwsClients(deps.clients);
    return { secret: deps.tokenSecret, baseUrl: baseUrl.replace(/\/+$/, '') };
  }
  const dataDir = dataDirOf(env);
  await mkdir(dataDir, { recursive: true });
  // Created here on first use, so a link made before the first `npm start` still works after it.
  const secret = await readOrCreateTokenSecret(dataDir);
  const stack = await runningStack(dataDir);
  return { secret, baseUrl: stack?.baseUrl ?? `http://localhost:${env.PORT ?? '3000'}` };
}

export interface StoreTarget {
  deps: PipelineDeps;
  rosterDeadline: string;
  /** Upload events given up after every retry: the local journal's; on AWS the DLQ has its own alarm. */
  deadLetters(): Promise<DeadLetter[]>;
  close(): void;
}

/** Dependencies wired to the running local stack or to AWS; a Vietnamese `InputError` when there is none. */
export async function storeTarget(env: NodeJS.ProcessEnv): Promise<StoreTarget> {
  if (isAws(env)) {
    const deps = await awsDeps(env);
    return {
      deps,
      rosterDeadline: deps.config.rosterDeadline,
      deadLetters: async () => [],
      close: () => destroyAwsClients(deps.clients),
    };
  }
  const dataDir = dataDirOf(env);
  const stack = await runningStack(dataDir);
  if (!stack) {
    throw new InputError(
      'Hệ thống chạy thử trên máy này chưa được bật. Vui lòng chạy "npm start" trong một cửa sổ khác rồi thử lại (hoặc đặt MOTCUA_TARGET=aws để làm việc với hệ thống trên AWS).',
    );
  }
  const secret = await readOrCreateTokenSecret(dataDir);
  const clients = createAwsClients({
    region: 'ap-southeast-1',
    endpoints: { dynamodb: stack.dynamodbUrl, s3: stack.s3Url, ses: stack.sesUrl },
    s3ForcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
    s3Credentials: S3RVER_CREDENTIALS,
  });
  const rosterDeadline = env.ROSTER_DEADLINE ?? stack.rosterDeadline;
  const deps = createDeps({
    config: {
      tableName: stack.tableName,
      bucketName: stack.bucketName,
      tokenSecret: { kind: 'value', value: secret },
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
      rosterDeadline,
      serviceName: 'motcua-cli',
      logLevel: 'WARN',
      // The running page's origin: a report too large to attach is linked through it.
      admin: { ...parseAdminSettings(env), publicBaseUrl: stack.baseUrl },
    },
    clients,
    tokenSecret: secret,
    logger: createLogger({ serviceName: 'motcua-cli', logLevel: 'WARN' }),
  });
  return { deps, rosterDeadline, deadLetters: () => listDeadLetters(dataDir), close: () => destroyAwsClients(clients) };
}

async function awsDeps(env: NodeJS.ProcessEnv): Promise<PipelineDeps> {
  try {
    loadConfig(env);
  } catch {
    throw new InputError('Thiếu cấu hình AWS: cần TABLE_NAME, BUCKET_NAME và TOKEN_SECRET_ARN (hoặc TOKEN_SECRET).');
  }
  return loadDeps(env);
}
