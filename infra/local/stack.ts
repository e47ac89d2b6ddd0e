/**
 * The embedded stack: the AWS shape of the app on one machine, in this process, with no Docker and no
 * account. dynalite stands in for DynamoDB (on a thread of its own), s3rver for S3, aws-ses-v2-local for SES; the functions are the
 * very same code as on Lambda (the Hono app, the process-upload handler), reached through real AWS SDK v3
 * clients with endpoint overrides. s3rver's notifications are routed to process-upload the way SQS delivers
 * them on AWS: journaled before S3 answers the upload, the key URL-encoded, one object's events in order, a
 * few at a time, retried with backoff, dead-lettered after five failures (delivery.ts); what a crash left
 * unfinished is delivered again at the next start (reconcile.ts). s3rver sits behind a proxy that checks
 * browser POSTs against their signed policy as S3 does (s3-post-policy.ts).
 *
 * Used by `npm start` (data under `.data/`, kept across restarts), by the integration tests and by the
 * browser test (in memory and a temp dir, free ports).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { getMimeType, mimes } from 'hono/utils/mime';
import S3rver from 's3rver';
import { createApiApp } from '../../functions/api/app.js';
import { createProcessUploadHandler, type ProcessUploadHandler } from '../../functions/process-upload/app.js';
import {
  type AwsClients,
  createAwsClients,
  destroyAwsClients,
  EMULATOR_CREDENTIALS,
  S3RVER_CREDENTIALS,
} from '../../shared/aws/clients.js';
import { encodeEventKey, INCOMING_PREFIX } from '../../shared/aws/s3.js';
import { type AppConfig, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_ROSTER_DEADLINE, type LogLevelName } from '../../shared/config.js';
import { type AdminSettings, parseAdminSettings } from '../../shared/admin/settings.js';
import { createLogger } from '../../shared/logger.js';
import { createDeps, type PipelineDeps } from '../../shared/pipeline/deps.js';
import { ensureTable } from '../../shared/store/table.js';
import { applyPageSecurityHeaders, pageSecurityHeaders } from '../../shared/web/security-headers.js';
import { issueToken, type UploadForm } from '../../shared/tokens.js';
import { vietnamMonth } from '../../shared/vn/time.js';
import { DATA_UMASK, DIR_MODE, DYNAMODB_DIR, FILE_MODE, readOrCreateTokenSecret, restrictDataModes, S3_DIR, STACK_FILE } from './data-dir.js';
import { type DeadLetter, type DeliveryQueue, DEFAULT_PROCESS_CONCURRENCY, listDeadLetters, openDeliveryQueue } from './delivery.js';
import { startDynamoDbThread } from './dynamodb-thread.js';
import { type ReconcileResult, reconcileUploads } from './reconcile.js';
import { startPolicyProxy } from './s3-post-policy.js';

export const LOCAL_TABLE_NAME = 'motcua-intake';
export const LOCAL_BUCKET_NAME = 'motcua-uploads';
const REGION = 'ap-southeast-1';
const HOST = '127.0.0.1';
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
/**
 * Content types of the page's static files. Hono's table gives html, js and css theirs (with
 * `charset=utf-8`) but lacks .xlsx, so the blank template would go out as application/octet-stream.
 */
export const STATIC_CONTENT_TYPES: Readonly<Record<string, string>> = {
  ...mimes,
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface LocalStackOptions {
  /** Web port (page + API); 0 for a free one. Default 3000. */
  port?: number;
  /** Ports of the emulators; default `port + 1..3` when `port` is fixed, free ones otherwise. */
  emulatorPorts?: { s3?: number; dynamodb?: number; ses?: number };
  /** Keeps tables, objects and the token secret here across restarts; absent: memory and a temp dir. */
  dataDir?: string;
  /** No function logs unless `logLevel` asks for them (tests, the browser test). */
  quiet?: boolean;
  /** Level of the functions' JSON logs; default INFO (SILENT when `quiet`). */
  logLevel?: LogLevelName;
  /** Route S3 events to process-upload (default true). Off, the events are only recorded. */
  processEvents?: boolean;
  /** Waits before the 2nd, 3rd… delivery of a failed event (the last repeats); five failures dead-letter it. */
  retryDelaysMs?: readonly number[];
  /** Events processed at once (default 2, `PROCESS_CONCURRENCY` for `npm start`): the API shares the event loop. */
  processConcurrency?: number;
  /** The process-upload handler events are delivered to (default: the real one); tests slow it or crash it. */
  handlerFor?: (deps: PipelineDeps) => ProcessUploadHandler;
  tokenSecret?: string;
  rosterDeadline?: string;
  maxUploadBytes?: number;
  now?: () => Date;
  /** The dashboard's settings (allow-list, unit addresses…); default from `CENTRE_EMAILS`… and this stack's URL. */
  admin?: Partial<AdminSettings>;
}

export interface InviteOptions {
  form?: UploadForm;
  period?: string;
  expiresAt?: Date;
}

export interface LocalStack {
  baseUrl: string;
  s3Url: string;
  sesUrl: string;
  dynamodbUrl: string;
  tableName: string;
  bucketName: string;
  tokenSecret: string;
  dataDir: string | undefined;
  /** The functions' dependencies, wired to the emulators (tests build variants from it). */
  deps: PipelineDeps;
  clients: AwsClients;
  /** Every S3 notification as AWS would deliver it (key URL-encoded), in emission order. */
  events: unknown[];
  /** Runs a notification through the same journal, per-key order and retries as s3rver's own events. */
  deliver(event: unknown, handler?: ProcessUploadHandler): Promise<void>;
  /** Resolves when no event is queued, waiting for a retry, or being processed. */
  whenIdle(): Promise<void>;
  /** A crash of the delivery loop (tests): it stops at once, mid-delivery; the journal keeps every event. */
  killDelivery(): void;
  /**
   * A start after a crash: a new delivery loop over the same journal, then reconciliation (which a test
   * that only swaps the handler of a healthy stack may skip).
   */
  restartDelivery(handler?: ProcessUploadHandler, options?: { reconcile?: boolean }): Promise<ReconcileResult>;
  /** Events given up after every retry (`status` shows them). */
  deadLetters(): Promise<DeadLetter[]>;
  /** Where the delivery journal lives: the data directory, or a temp dir without one. */
  journalDir: string;
  /** An upload link `<baseUrl>/u/<token>` for a unit. */
  inviteLink(unit: string, options?: InviteOptions): string;
  stop(): Promise<void>;
}

/** What `npm start` records in `.data/stack.json` so the CLI can find the running stack. */
export interface StackFile extends Pick<LocalStack, 'baseUrl' | 's3Url' | 'sesUrl' | 'dynamodbUrl' | 'tableName' | 'bucketName'> {
  rosterDeadline: string;
  pid: number;
}

/** As on AWS: the page POSTs files; the annotated workbook is downloaded by navigation, which needs no CORS. */
function corsConfiguration(origins: readonly string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

const closing = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

/** aws-ses-v2-local is CommonJS with `exports.default`: Node and bundlers disagree on which `default` that is. */
async function sesServerFactory(): Promise<StartSes> {
  const loaded: { default?: unknown } = await import('aws-ses-v2-local');
  const outer = loaded.default;
  const inner = typeof outer === 'object' && outer !== null && 'default' in outer ? outer.default : undefined;
  const factory = typeof outer === 'function' ? outer : inner;
  if (typeof factory !== 'function') throw new Error('aws-ses-v2-local: no server factory');
  return factory as StartSes;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const webPort = options.port ?? 3000;
  const neighbour = (offset: number) => (webPort === 0 ? 0 : webPort + offset);
  const ports = {
    s3: options.emulatorPorts?.s3 ?? neighbour(1),
    dynamodb: options.emulatorPorts?.dynamodb ?? neighbour(2),
    ses: options.emulatorPorts?.ses ?? neighbour(3),
  };
  const dataDir = options.dataDir;
  if (dataDir) {
    // Personal data and the token secret live here: owner-only for whatever any library creates from now on
    // (the umask is per process, and worker threads may not set it), and for what an older run left.
    if (isMainThread) process.umask(DATA_UMASK);
    await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
    await restrictDataModes(dataDir);
  }
  // Without a data directory: the objects and the delivery journal in a temp dir, removed at stop.
  const workDir = dataDir ?? (await mkdtemp(join(tmpdir(), 'motcua-local-')));
  const s3Dir = join(workDir, S3_DIR);
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  if (!dataDir) cleanups.push(() => rm(workDir, { recursive: true, force: true }));

  try {
    // The web server first: its port is the page's origin, which the bucket's CORS rule must name.
    let fetchHandler: (request: Request) => Response | Promise<Response> = () =>
      new Response('Hệ thống đang khởi động, vui lòng chờ giây lát.', { status: 503 });
    const web = serve({ fetch: (request) => fetchHandler(request), port: webPort, hostname: HOST }) as Server;
    await new Promise<void>((resolve, reject) => {
      if (web.listening) resolve();
      web.once('listening', () => resolve());
      web.once('error', reject);
    });
    cleanups.push(() => closing(web));
    const actualWebPort = (web.address() as AddressInfo).port;
    const baseUrl = `http://localhost:${actualWebPort}`;
    const origins = [baseUrl, `http://${HOST}:${actualWebPort}`];

    // On a thread of its own (dynamodb-thread.ts): its per-item work would otherwise share this event loop
    // with the API and process-upload.
    const dynamo = await startDynamoDbThread({
      host: HOST,
      port: ports.dynamodb,
      ...(dataDir ? { path: join(dataDir, DYNAMODB_DIR) } : {}),
    });
    const dynamoPort = dynamo.port;
    cleanups.push(() => dynamo.close());

    // s3rver on an internal port; the S3 port is the policy-checking proxy in front of it.
    let takingUploads = true;
    const s3rver = new S3rver({
      address: HOST,
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: LOCAL_BUCKET_NAME, configs: [corsConfiguration(origins)] }],
    });
    const s3rverAddress = await s3rver.run();
    cleanups.push(() => s3rver.close());
    const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    const s3Front = await startPolicyProxy({
      host: HOST,
      port: ports.s3,
      target: { host: HOST, port: s3rverAddress.port },
      region: REGION,
      credentials: [S3RVER_CREDENTIALS],
      allowedOrigins: origins,
      // Room for the form fields and multipart framing around the largest file a grant allows.
      maxBodyBytes: maxUploadBytes + 1024 * 1024,
      now: options.now ?? (() => new Date()),
      isAccepting: () => takingUploads,
    });
    cleanups.push(() => closing(s3Front));
    const s3Address = s3Front.address() as AddressInfo;

    const ses = await (await sesServerFactory())({ host: HOST, port: ports.ses });
    cleanups.push(() => closing(ses));

    const s3Url = `http://${HOST}:${s3Address.port}`;
    const dynamodbUrl = `http://${HOST}:${dynamoPort}`;
    const sesUrl = `http://${HOST}:${(ses.address() as AddressInfo).port}`;
    const clients = createAwsClients({
      region: REGION,
      endpoints: { dynamodb: dynamodbUrl, s3: s3Url, ses: sesUrl },
      s3ForcePathStyle: true,
      credentials: EMULATOR_CREDENTIALS,
      s3Credentials: S3RVER_CREDENTIALS,
    });
    cleanups.push(async () => destroyAwsClients(clients));
    await ensureTable(clients.dynamodb, LOCAL_TABLE_NAME);

    const tokenSecret =
      options.tokenSecret ?? (dataDir ? await readOrCreateTokenSecret(dataDir) : randomBytes(32).toString('base64url'));
    const logLevel = options.logLevel ?? (options.quiet ? 'SILENT' : 'INFO');
    const config: AppConfig = {
      tableName: LOCAL_TABLE_NAME,
      bucketName: LOCAL_BUCKET_NAME,
      tokenSecret: { kind: 'value', value: tokenSecret },
      maxUploadBytes,
      rosterDeadline: options.rosterDeadline ?? DEFAULT_ROSTER_DEADLINE,
      serviceName: 'motcua-intake',
      logLevel,
      // The dashboard's sign-in links point at this stack's own page.
      admin: { ...parseAdminSettings(process.env), publicBaseUrl: baseUrl, ...options.admin },
    };
    const logger = createLogger({ serviceName: config.serviceName, logLevel, persistentKeys: { environment: 'local' } });
    const deps = createDeps({ config, clients, tokenSecret, logger, ...(options.now ? { now: options.now } : {}) });

    // ── S3 notifications → process-upload, as SQS delivers them on AWS ────────────────────────────────
    const processUploadHandler = options.handlerFor ? options.handlerFor(deps) : createProcessUploadHandler(deps);
    const events: unknown[] = [];
    const openQueue = (handler: ProcessUploadHandler) =>
      openDeliveryQueue({
        dir: workDir,
        handler,
        logger,
        keyOf: objectKeyOf,
        concurrency: options.processConcurrency ?? DEFAULT_PROCESS_CONCURRENCY,
        ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
      });
    let delivery: DeliveryQueue = await openQueue(processUploadHandler);
    const reconcile = async () =>
      reconcileUploads(deps, { knownObjectKeys: await delivery.knownObjectKeys(), deliver: (event) => delivery.enqueue(event) });

    // s3rver emits this after storing the object and before answering the POST: the journal write is
    // synchronous, so the clerk's browser hears "stored" only once the event is on disk.
    s3rver.on('event', (notification: unknown) => {
      const awsShaped = asAwsNotification(notification);
      if (!awsShaped) return;
      events.push(awsShaped);
      if (options.processEvents !== false) void delivery.enqueue(awsShaped);
    });
    cleanups.push(() => delivery.drain());
    if (dataDir && options.processEvents !== false) {
      const reconciled = await reconcile();
      if (reconciled.redelivered + reconciled.versionsDeleted > 0) logger.info('unfinished work after a restart', { ...reconciled });
    }

    // ── The page and the API on one port ───────────────────────────────────────────────────────────────
    const site = new Hono();
    // The page's security headers as CloudFront sends them on AWS, the local S3 (the policy proxy) as the
    // uploads origin, so the page runs here under the CSP it gets there.
    const securityHeaders = pageSecurityHeaders({ uploadsOrigin: s3Url, https: false });
    site.use('*', async (c, next) => {
      await next();
      applyPageSecurityHeaders(c.res.headers, securityHeaders);
    });
    const page = async () =>
      new Response(await readFile(join(WEB_DIR, 'index.html')), {
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    site.get('/', page);
    site.get('/u/*', page);
    const adminPage = async () =>
      new Response(await readFile(join(WEB_DIR, 'admin', 'index.html')), {
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    site.get('/admin', adminPage);
    site.get('/admin/', adminPage);
    site.use('/admin/*', serveStatic({ root: WEB_DIR }));
    site.use('/static/*', async (c, next) => {
      await next();
      // serveStatic falls back to application/octet-stream for what Hono's table does not know.
      const type = getMimeType(c.req.path, STATIC_CONTENT_TYPES);
      if (type && c.res.ok) c.header('Content-Type', type);
    });
    site.use('/static/*', serveStatic({ root: WEB_DIR }));
    site.route('/', createApiApp(deps));
    site.notFound((c) => c.text('Không tìm thấy trang.', 404));
    site.onError((_error, c) => c.text('Không mở được trang. Vui lòng thử lại.', 500));
    fetchHandler = (request) => site.fetch(request);
    // Runs first at stop: no new request or upload is taken while the deliveries in flight finish (they
    // still reach S3 through the proxy, which closes after them).
    cleanups.push(async () => {
      takingUploads = false;
      await closing(web);
    });

    const rosterDeadline = config.rosterDeadline;
    // What the CLI needs to find this stack, and what the caller gets back: the same addresses and names.
    const addresses = { baseUrl, s3Url, sesUrl, dynamodbUrl, tableName: LOCAL_TABLE_NAME, bucketName: LOCAL_BUCKET_NAME };
    if (dataDir) {
      const stackFile: StackFile = { ...addresses, rosterDeadline, pid: process.pid };
      await writeFile(join(dataDir, STACK_FILE), `${JSON.stringify(stackFile, null, 2)}\n`, { mode: FILE_MODE });
      cleanups.push(() => rm(join(dataDir, STACK_FILE), { force: true }));
    }

    return {
      ...addresses,
      tokenSecret,
      dataDir,
      deps,
      clients,
      events,
      deliver: (event, handler) => delivery.enqueue(event, handler ?? processUploadHandler),
      whenIdle: () => delivery.whenIdle(),
      killDelivery: () => delivery.kill(),
      restartDelivery: async (handler = processUploadHandler, restart = {}) => {
        delivery.kill();
        delivery = await openQueue(handler);
        return restart.reconcile === false ? { redelivered: 0, versionsDeleted: 0 } : reconcile();
      },
      deadLetters: () => listDeadLetters(workDir),
      journalDir: workDir,
      inviteLink: (unit, invite = {}) => inviteLink(baseUrl, tokenSecret, unit, invite, deps.now()),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export function inviteLink(baseUrl: string, secret: string, unit: string, options: InviteOptions, now: Date): string {
  const token = issueToken(
    {
      unit,
      form: options.form ?? 'roster',
      period: options.period ?? vietnamMonth(now),
      expiresAt: options.expiresAt ?? new Date(now.getTime() + 7 * 24 * 3600_000),
    },
    secret,
  );
  return `${baseUrl}/u/${token}`;
}

interface LooseNotification {
  Records?: { eventName?: unknown; s3?: { object?: { key?: unknown } } }[];
}

/**
 * s3rver emits real notification records except for the key, which it leaves decoded. AWS encodes it
 * (form-style, `+` for a space); so does this. Only ObjectCreated events under `incoming/` are routed,
 * as the AWS app's notification filter does.
 */
function asAwsNotification(notification: unknown): unknown {
  const records = (notification as LooseNotification).Records ?? [];
  const routed = records.filter((record) => {
    const key = record.s3?.object?.key;
    return (
      typeof record.eventName === 'string' &&
      record.eventName.startsWith('ObjectCreated:') &&
      typeof key === 'string' &&
      key.startsWith(INCOMING_PREFIX)
    );
  });
  if (routed.length === 0) return undefined;
  return {
    Records: routed.map((record) => ({
      ...record,
      s3: { ...record.s3, object: { ...record.s3?.object, key: encodeEventKey(String(record.s3?.object?.key)) } },
    })),
  };
}

/** The (encoded) key of the first record, to serialize one object's events. */
function objectKeyOf(event: unknown): string | undefined {
  const key = (event as LooseNotification).Records?.[0]?.s3?.object?.key;
  return typeof key === 'string' ? key : undefined;
}
