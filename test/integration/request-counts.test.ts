/**
 * What one upload costs in requests, observed rather than read off the code: the embedded stack is driven
 * through uploads the way the page does it (web/static/app.js), and every AWS SDK request the functions
 * send is counted by a middleware on the stack's own clients, per service and command, split between the
 * api function (the page's API calls) and process-upload (the S3 event). DynamoDB item and capacity
 * figures come with it: items written and read, and write/read units. dynalite meters the table (asked for
 * with `ReturnConsumedCapacity`, which the store does not set); GSI writes, which it does not meter, are
 * derived with DynamoDB's rule: one write per index the item is in, 1 WRU per KB.
 *
 * The assertions hold the design's cost claims, so an N+1 or a Scan fails here. With
 * MOTCUA_WRITE_COUNTS=<path> the observed counts are written as JSON (docs/request-counts.json, used by
 * the "Monthly cost" section of README.md).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessUploadHandler, type ProcessUploadHandler } from '../../functions/process-upload/app.js';
import { BATCH_WRITE_MAX_ITEMS } from '../../shared/store/batch.js';
import { CHUNK_MAX_OFFICIALS } from '../../shared/store/store.js';
import { GSI1, GSI2 } from '../../shared/store/table.js';
import {
  type ApiAnswer,
  api,
  districtPeople,
  type Person,
  type PresignedPost,
  postToS3,
  rosterWorkbook,
  senderLine,
  tokenOf,
  type UploadResult,
  useLocalStack,
} from '../support/local-stack.js';

// Events are delivered by the test, so the page's first poll is seen before the verdict, as on AWS.
const stack = useLocalStack({ processEvents: false });

// ── Counting ──────────────────────────────────────────────────────────────────────────────────────────

type Phase = 'apiFunction' | 'processUpload';
const GSIS = [GSI1, GSI2] as const;
type Gsi = (typeof GSIS)[number];

interface DynamoTally {
  /** Query requests by what they read: the table itself or an index. */
  queries: { table: number } & Record<Gsi, number>;
  itemsWritten: { table: number } & Record<Gsi, number>;
  itemsRead: number;
  writeUnits: { table: number } & Record<Gsi, number>;
  readUnits: number;
}

interface PhaseTally {
  invocations: number;
  /** AWS requests sent (HTTP attempts), per service and command. */
  requests: Record<string, Record<string, number>>;
  dynamodb: DynamoTally;
}

const emptyPhase = (): PhaseTally => ({
  invocations: 0,
  requests: {},
  dynamodb: {
    queries: { table: 0, gsi1: 0, gsi2: 0 },
    itemsWritten: { table: 0, gsi1: 0, gsi2: 0 },
    itemsRead: 0,
    writeUnits: { table: 0, gsi1: 0, gsi2: 0 },
    readUnits: 0,
  },
});

let measuring: Record<Phase, PhaseTally> | undefined;
let phase: Phase = 'apiFunction';

/** Commands that take `ReturnConsumedCapacity`: the only ones the metering option is added to. */
const METERED_COMMANDS = [
  'GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand',
  'QueryCommand', 'ScanCommand', 'BatchWriteItemCommand', 'BatchGetItemCommand',
] as const;
const isMetered = (command: string) => (METERED_COMMANDS as readonly string[]).includes(command);

type Item = Record<string, unknown>;
const isRecord = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
const recordOf = (value: unknown): Item => (isRecord(value) ? value : {});
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** An item's size by DynamoDB's documented rules (attribute names + values), in bytes. */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const significant = String(Math.abs(value)).replace(/e.*$/, '').replace('.', '').replace(/^0+|0+$/g, '');
    return 1 + Math.ceil(significant.length / 2);
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + valueBytes(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + 1 + valueBytes(member), 0);
  if (isRecord(value)) return 3 + Object.keys(value).length + itemBytes(value);
  return 0;
}
function itemBytes(item: Item): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => (value === undefined ? sum : sum + Buffer.byteLength(name, 'utf8') + valueBytes(value)),
    0,
  );
}
const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** What the test has seen written under each key: its size and the indexes it is in (for deletes and updates). */
const knownItems = new Map<string, { bytes: number; gsis: Gsi[] }>();
const keyOf = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;
const gsisOfItem = (item: Item): Gsi[] => GSIS.filter((gsi) => item[`${gsi}pk`] !== undefined);

function consumedUnits(output: Item): number {
  const consumed = output.ConsumedCapacity;
  const entries = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return entries.reduce((sum: number, entry) => sum + (Number(recordOf(entry).CapacityUnits) || 0), 0);
}

function tallyWrite(tally: DynamoTally, gsis: readonly Gsi[], unitsPerIndex: number): void {
  tally.itemsWritten.table += 1;
  for (const gsi of gsis) {
    tally.itemsWritten[gsi] += 1;
    tally.writeUnits[gsi] += unitsPerIndex;
  }
}

function observeDynamo(tally: DynamoTally, command: string, input: Item, output: Item): void {
  const units = consumedUnits(output);
  switch (command) {
    case 'PutItemCommand': {
      const item = recordOf(input.Item);
      tally.writeUnits.table += units;
      tallyWrite(tally, gsisOfItem(item), writeUnitsOf(itemBytes(item)));
      knownItems.set(keyOf(item), { bytes: itemBytes(item), gsis: gsisOfItem(item) });
      return;
    }
    case 'UpdateItemCommand':
    case 'DeleteItemCommand': {
      const key = keyOf(recordOf(input.Key));
      const known = knownItems.get(key);
      // An update that sets an index key puts the item in that index (the roster pointer's gsi1 and gsi2).
      // Directly, or through a placeholder name (`#a3 = :a3` with `#a3` standing for `gsi1pk`).
      const names = recordOf(input.ExpressionAttributeNames);
      const expression = String(input.UpdateExpression ?? '');
      const setKeys = GSIS.filter(
        (gsi) => expression.includes(`${gsi}pk =`) || Object.entries(names).some(([placeholder, name]) => name === `${gsi}pk` && expression.includes(`${placeholder} =`)),
      );
      const gsis = [...new Set([...(known?.gsis ?? []), ...setKeys])];
      tally.writeUnits.table += units;
      // ALL projection: the index copy is the item, so it costs what the table write cost.
      tallyWrite(tally, gsis, units);
      if (command === 'DeleteItemCommand') knownItems.delete(key);
      else knownItems.set(key, { bytes: known?.bytes ?? units * 1024, gsis });
      return;
    }
    case 'BatchWriteItemCommand': {
      tally.writeUnits.table += units;
      const unprocessed = new Set(
        Object.values(recordOf(output.UnprocessedItems)).flatMap(listOf).map((request) => JSON.stringify(request)),
      );
      for (const request of Object.values(recordOf(input.RequestItems)).flatMap(listOf)) {
        if (unprocessed.has(JSON.stringify(request))) continue;
        const put = recordOf(recordOf(request).PutRequest).Item;
        if (isRecord(put)) {
          tallyWrite(tally, gsisOfItem(put), writeUnitsOf(itemBytes(put)));
          knownItems.set(keyOf(put), { bytes: itemBytes(put), gsis: gsisOfItem(put) });
          continue;
        }
        const key = keyOf(recordOf(recordOf(recordOf(request).DeleteRequest).Key));
        const known = knownItems.get(key);
        tallyWrite(tally, known?.gsis ?? [], writeUnitsOf(known?.bytes ?? 0));
        knownItems.delete(key);
      }
      return;
    }
    case 'GetItemCommand':
    case 'QueryCommand':
    case 'ScanCommand': {
      if (command === 'QueryCommand') {
        const index = GSIS.find((gsi) => gsi === input.IndexName);
        tally.queries[index ?? 'table'] += 1;
      }
      tally.itemsRead += command === 'GetItemCommand' ? (output.Item === undefined ? 0 : 1) : listOf(output.Items).length;
      // A read costs at least one 4 KB unit (half of one when eventually consistent); dynalite meters an
      // empty Query as 0.
      tally.readUnits += Math.max(units, input.ConsistentRead === true ? 1 : 0.5);
      return;
    }
    default:
      return;
  }
}

function observe(service: 'DynamoDB' | 'S3', command: string, input: unknown, output: unknown, attempts: number): void {
  if (!measuring) return;
  const tally = measuring[phase];
  const name = command.replace(/Command$/, '');
  const byCommand = tally.requests[service] ?? {};
  byCommand[name] = (byCommand[name] ?? 0) + attempts;
  tally.requests[service] = byCommand;
  if (service === 'DynamoDB') observeDynamo(tally.dynamodb, command, recordOf(input), recordOf(output));
}

const attemptsOf = (value: unknown) => Math.max(1, Number(recordOf(recordOf(value).$metadata).attempts) || 1);
/** Presigning runs the middleware stack but stops before sending: it is no request. */
const isPresigned = (output: unknown) => isRecord(output) && 'presigned' in output;

function installCounters(): void {
  const { clients } = stack.current;
  // The document client shares this client's middleware stack, so the store's calls pass through it too.
  clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const metered =
        measuring && isMetered(command) && recordOf(args.input).ReturnConsumedCapacity === undefined
          ? { ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' as const } }
          : args;
      try {
        const result = await next(metered);
        observe('DynamoDB', command, metered.input, result.output, attemptsOf(result.output));
        return result;
      } catch (error) {
        observe('DynamoDB', command, metered.input, {}, attemptsOf(error));
        throw error;
      }
    },
    { step: 'initialize', name: 'requestCounter' },
  );
  clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      try {
        const result = await next(args);
        if (!isPresigned(result.output)) observe('S3', command, args.input, result.output, attemptsOf(result.output));
        return result;
      } catch (error) {
        observe('S3', command, args.input, {}, attemptsOf(error));
        throw error;
      }
    },
    { step: 'initialize', name: 'requestCounter' },
  );
}

// ── The page, as app.js drives it ─────────────────────────────────────────────────────────────────────

const ROUTES = {
  settings: 'GET /api/settings',
  list: 'GET /api/uploads',
  create: 'POST /api/uploads',
  status: 'GET /api/uploads/{uploadId}',
} as const;
type Route = (typeof ROUTES)[keyof typeof ROUTES];

interface Observation {
  rows: number;
  verdict: string;
  /** Other units with a current roster when the file arrived: an accepted roster is matched against each. */
  otherRosters: number;
  /** What the clerk's browser sends: API calls (each one api invocation), S3 directly, page files. */
  page: { api: Record<Route, number>; s3: { presignedPost: number; annotatedDownload: number } };
  apiFunction: PhaseTally;
  processUpload: PhaseTally;
  /** The first status poll, answered "pending" before the event was processed. */
  pendingPoll: PhaseTally;
}

async function pageCall<T>(observation: Observation, route: Route, path: string, init: Parameters<typeof api>[2]): Promise<ApiAnswer<T>> {
  observation.page.api[route] += 1;
  if (measuring) measuring.apiFunction.invocations += 1;
  phase = 'apiFunction';
  return api<T>(stack.current, path, init);
}

function merge(into: PhaseTally, from: PhaseTally): void {
  into.invocations += from.invocations;
  for (const [service, commands] of Object.entries(from.requests)) {
    const target = into.requests[service] ?? {};
    for (const [command, count] of Object.entries(commands)) target[command] = (target[command] ?? 0) + count;
    into.requests[service] = target;
  }
  const a = into.dynamodb;
  const b = from.dynamodb;
  for (const part of ['table', ...GSIS] as const) {
    a.queries[part] += b.queries[part];
    a.itemsWritten[part] += b.itemsWritten[part];
    a.writeUnits[part] += b.writeUnits[part];
  }
  a.itemsRead += b.itemsRead;
  a.readUnits += b.readUnits;
}

let deliverCounted: ProcessUploadHandler;

/**
 * One upload as the page makes it: on load the settings (upload limit, whom to call) and the list, then
 * POST /api/uploads, the file to S3, a status poll at once and the list refreshed; then (here, on AWS
 * meanwhile) process-upload runs; then the poll that gets the verdict, the list refreshed again, and for a
 * rejected file the clerk downloads the annotated workbook.
 */
async function uploadAsThePage(unit: string, bytes: Uint8Array, fileName: string): Promise<Observation> {
  const token = tokenOf(stack.current.inviteLink(unit));
  const observation: Observation = {
    rows: 0,
    verdict: '',
    otherRosters: (await stack.current.deps.store.listRosterPointers()).filter((pointer) => pointer.unit !== unit).length,
    page: {
      api: { [ROUTES.settings]: 0, [ROUTES.list]: 0, [ROUTES.create]: 0, [ROUTES.status]: 0 },
      s3: { presignedPost: 0, annotatedDownload: 0 },
    },
    apiFunction: emptyPhase(),
    processUpload: emptyPhase(),
    pendingPoll: emptyPhase(),
  };
  measuring = { apiFunction: observation.apiFunction, processUpload: observation.processUpload };
  try {
    expect((await pageCall(observation, ROUTES.settings, '/api/settings', {})).status).toBe(200);
    expect((await pageCall(observation, ROUTES.list, '/api/uploads', { token })).status).toBe(200);
    const created = await pageCall<PresignedPost>(observation, ROUTES.create, '/api/uploads', {
      json: { token, fileName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: bytes.byteLength },
    });
    expect(created.status).toBe(201);
    const { uploadId } = created.body;
    observation.page.s3.presignedPost += 1;
    expect((await postToS3(created.body, bytes, fileName)).ok).toBe(true);

    // The poll right after the upload: measured on its own, it is what every further pending poll costs.
    measuring = { apiFunction: observation.pendingPoll, processUpload: observation.processUpload };
    const pending = await pageCall<UploadResult['status']>(observation, ROUTES.status, `/api/uploads/${uploadId}`, { token });
    expect(pending.body.status).toBe('pending');
    merge(observation.apiFunction, observation.pendingPoll);
    measuring = { apiFunction: observation.apiFunction, processUpload: observation.processUpload };
    await pageCall(observation, ROUTES.list, '/api/uploads', { token });

    const event = stack.current.events.find((e) => JSON.stringify(e).includes(`/${uploadId}.`));
    expect(event).toBeDefined();
    phase = 'processUpload';
    await stack.current.deliver(event, deliverCounted);

    const final = await pageCall<UploadResult['status']>(observation, ROUTES.status, `/api/uploads/${uploadId}`, { token });
    await pageCall(observation, ROUTES.list, '/api/uploads', { token });
    observation.verdict = final.body.status;
    observation.rows = final.body.rows ?? 0;
    if (final.body.reportUrl) {
      observation.page.s3.annotatedDownload += 1;
      expect((await fetch(final.body.reportUrl)).status).toBe(200);
    }
    return observation;
  } finally {
    measuring = undefined;
    phase = 'apiFunction';
  }
}

async function rosterUpload(unit: string, people: readonly Person[]): Promise<Observation> {
  return uploadAsThePage(unit, await rosterWorkbook(senderLine(unit), people), 'danh sach.xlsx');
}

/**
 * The same roster sent three times: the unit's first roster, then the steady state of every later month,
 * where the file replaces last month's roster (which itself replaced an older one).
 */
async function monthlyUploads(unit: string, people: readonly Person[]): Promise<{ first: Observation; steady: Observation }> {
  const first = await rosterUpload(unit, people);
  await rosterUpload(unit, people);
  const steady = await rosterUpload(unit, people);
  return { first, steady };
}

/** The page's poll times (ms after the upload), from app.js's own constants. */
async function pollScheduleMs(count: number): Promise<number[]> {
  const source = await readFile(new URL('../../web/static/app.js', import.meta.url), 'utf8');
  const constant = (name: string) => Number(new RegExp(`var ${name} = ([0-9.]+);`).exec(source)?.[1]);
  const [first, max, backoff] = [constant('POLL_FIRST_DELAY_MS'), constant('POLL_MAX_DELAY_MS'), constant('POLL_BACKOFF')];
  expect([first, max, backoff].every(Number.isFinite)).toBe(true);
  const times = [0];
  for (let delay = first; times.length < count; delay = Math.min(max, Math.round(delay * backoff))) {
    times.push((times.at(-1) ?? 0) + delay);
  }
  return times;
}

/** The files a page view loads from the page's origin besides the API: the HTML, its scripts and styles. */
async function pageFileCount(): Promise<number> {
  const html = await (await fetch(stack.current.inviteLink('548'))).text();
  const references = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="(\/[^"]+)"/g)];
  for (const [, path] of references) expect((await fetch(`${stack.current.baseUrl}${path}`)).status).toBe(200);
  return 1 + references.length;
}

// ── The uploads ───────────────────────────────────────────────────────────────────────────────────────

const SMALL = 18; // Bình Định: ~600 officials over 33 units
const LARGE = 100;
const observed: Record<string, Observation> = {};
let pageFiles: number | undefined;
let pollSchedule: number[] | undefined;

beforeAll(() => {
  installCounters();
  const handler = createProcessUploadHandler(stack.current.deps);
  deliverCounted = async (event) => {
    if (measuring) measuring.processUpload.invocations += 1;
    return handler(event);
  };
});

const requestsOf = (tally: PhaseTally, service: string, command: string) => tally.requests[service]?.[command] ?? 0;
const total = (observation: Observation) => {
  const sum = emptyPhase();
  merge(sum, observation.apiFunction);
  merge(sum, observation.processUpload);
  return sum;
};
/** A version's officials are packed many to an item (shared/store/store.ts), and items written 25 to a request. */
const chunks = (rows: number) => Math.ceil(rows / CHUNK_MAX_OFFICIALS);
const batches = (rows: number) => Math.ceil(chunks(rows) / BATCH_WRITE_MAX_ITEMS);

describe('requests per upload', () => {
  it('an accepted roster: officials written packed in a few items, matched with one Query per other unit’s roster, one GetObject', async () => {
    // Two other units have a roster already: the new one is matched against each of them.
    for (const [unit, series] of [['546', 43], ['547', 44]] as const) await rosterUpload(unit, districtPeople(unit, SMALL, series));
    const { first, steady } = await monthlyUploads('548', districtPeople('548', SMALL, 40));
    observed[`accepted-first-r${SMALL}`] = first;
    observed[`accepted-steady-r${SMALL}`] = steady;
    for (const o of [first, steady]) expect(o).toMatchObject({ verdict: 'accepted', rows: SMALL, otherRosters: 2 });

    const process = steady.processUpload;
    expect(process.invocations).toBe(1);
    expect(process.requests.S3).toEqual({ GetObject: 1 });
    // The new version's chunks, then the replaced version's chunks deleted: both in batches, never one by one.
    expect(requestsOf(first.processUpload, 'DynamoDB', 'BatchWriteItem')).toBe(batches(SMALL));
    expect(requestsOf(process, 'DynamoDB', 'BatchWriteItem')).toBe(2 * batches(SMALL));
    // One item per version besides its rows: the version marker, put before the rows and deleted after them
    // (the flip names the replaced version and the one before it, whose marker is already gone).
    expect(requestsOf(first.processUpload, 'DynamoDB', 'PutItem') + requestsOf(first.processUpload, 'DynamoDB', 'DeleteItem')).toBe(1);
    expect(requestsOf(process, 'DynamoDB', 'PutItem')).toBe(1);
    expect(requestsOf(process, 'DynamoDB', 'DeleteItem')).toBeGreaterThanOrEqual(1);
    expect(requestsOf(process, 'DynamoDB', 'DeleteItem')).toBeLessThanOrEqual(2);
    // begin + verdict on the upload item, the pointer flip; the upload item read before each.
    expect(requestsOf(process, 'DynamoDB', 'UpdateItem')).toBe(3);
    expect(requestsOf(process, 'DynamoDB', 'GetItem')).toBe(2);
    // Matching: the roster pointers (one gsi2 Query), then each other unit's current rows (one table Query
    // each); then the keys of the obsolete version(s) to delete, and the unit's version markers. Never a
    // Query per official: gsi1 is not asked at all.
    expect(process.dynamodb.queries.gsi1).toBe(0);
    expect(process.dynamodb.queries.gsi2).toBe(1);
    expect(process.dynamodb.queries.table - steady.otherRosters).toBeGreaterThanOrEqual(2);
    expect(process.dynamodb.queries.table - steady.otherRosters).toBeLessThanOrEqual(3);
    expect(first.processUpload.dynamodb.queries).toEqual({ table: first.otherRosters + 1, gsi1: 0, gsi2: 1 });
    // Chunks are in the table only: written once each, deleted once each, no index copy. Besides them: the
    // upload item twice and the pointer once (UpdateItem), the version marker put, each marker delete. The
    // pointer is copied into both indexes: gsi2 lists it, gsi1 files it under the time of its change.
    expect(process.dynamodb.itemsWritten.gsi1).toBe(1);
    expect(process.dynamodb.itemsWritten.table).toBe(2 * chunks(SMALL) + 3 + 1 + requestsOf(process, 'DynamoDB', 'DeleteItem'));
  });

  it('a roster five times longer costs the write units of its bytes (not one an official), and no more of anything else than one more unit to match against', async () => {
    const { steady } = await monthlyUploads('545', districtPeople('545', LARGE, 41));
    observed[`accepted-steady-r${LARGE}`] = steady;
    const small = observed[`accepted-steady-r${SMALL}`];
    if (!small) throw new Error('the R = 18 uploads did not run');
    // 546, 547 and now 548 have a roster.
    expect(steady).toMatchObject({ verdict: 'accepted', rows: LARGE, otherRosters: 3 });

    const large = steady.processUpload;
    expect(requestsOf(large, 'DynamoDB', 'BatchWriteItem')).toBe(2 * batches(LARGE));
    const otherRosters = steady.otherRosters - small.otherRosters;
    expect(large.dynamodb.queries).toEqual({
      ...small.processUpload.dynamodb.queries,
      table: small.processUpload.dynamodb.queries.table + otherRosters,
    });
    for (const command of ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem']) {
      expect(requestsOf(large, 'DynamoDB', command)).toBe(requestsOf(small.processUpload, 'DynamoDB', command));
    }
    expect(large.requests.S3).toEqual(small.processUpload.requests.S3);
    // Packed, an official is ~190 bytes of a chunk (these names, a 12-digit ID, a 10-digit phone, a 64-hex
    // hash), put once and deleted once, table only: the 82 more officials cost their bytes, at most a
    // quarter of a write unit each (one item per official cost a whole unit each way), and nothing else grows.
    const writeUnits = (o: Observation) => {
      const units = total(o).dynamodb.writeUnits;
      return units.table + units.gsi1 + units.gsi2;
    };
    const officialBytesAtMost = 256;
    expect(writeUnits(steady) - writeUnits(small)).toBeLessThanOrEqual(2 * Math.ceil(((LARGE - SMALL) * officialBytesAtMost) / 1024));
    expect(total(steady).dynamodb.itemsWritten).toEqual(total(small).dynamodb.itemsWritten);
    // The page does the same whatever the length of the file.
    expect(steady.page).toEqual(small.page);
    expect(steady.apiFunction.requests).toEqual(small.apiFunction.requests);
  });

  it('a rejected roster: one GetObject, the annotated workbook, the verdict, and no roster write', async () => {
    const people = districtPeople('544', SMALL, 42);
    const broken = people.map((person, index) =>
      index === 2 ? { ...person, idNumber: '05218002200' } : index === 4 ? { ...person, phone: '02563822222' } : person,
    );
    const rejected = await rosterUpload('544', broken);
    observed[`rejected-r${SMALL}`] = rejected;
    expect(rejected).toMatchObject({ verdict: 'rejected', rows: SMALL });

    const process = rejected.processUpload;
    expect(process.invocations).toBe(1);
    expect(process.requests.S3).toEqual({ GetObject: 1, PutObject: 1 });
    expect(process.requests.DynamoDB).toEqual({ GetItem: 2, UpdateItem: 2 });
    expect(process.dynamodb.itemsWritten).toEqual({ table: 2, gsi1: 0, gsi2: 2 });
    expect(rejected.page.s3).toEqual({ presignedPost: 1, annotatedDownload: 1 });
  });

  it('the page’s calls: each authenticated one checks the link’s revocation (one GetItem), each list is one Query, each poll one GetItem more, the POST one PutItem, an accepted roster’s receipt one Query; the settings read nothing', () => {
    expect(Object.keys(observed)).toHaveLength(4);
    for (const [name, o] of Object.entries(observed)) {
      expect({ name, page: o.page.api }).toEqual({
        name,
        page: { [ROUTES.settings]: 1, [ROUTES.list]: 3, [ROUTES.create]: 1, [ROUTES.status]: 2 },
      });
      expect(o.apiFunction.invocations).toBe(7);
      const receipt = o.verdict === 'accepted' ? 1 : 0;
      expect({ name, requests: o.apiFunction.requests }).toEqual({ name, requests: { DynamoDB: { Query: 3 + receipt, GetItem: 6 + 2, PutItem: 1 } } });
      expect({ name, queries: o.apiFunction.dynamodb.queries }).toEqual({ name, queries: { table: receipt, gsi1: 0, gsi2: 3 } });
      expect(o.pendingPoll.requests).toEqual({ DynamoDB: { GetItem: 2 } });
    }
  });

  it('a page view loads the HTML, its scripts (the shared messages, then app.js) and its styles; the page polls on app.js’s schedule', async () => {
    pageFiles = await pageFileCount();
    expect(pageFiles).toBe(4);
    pollSchedule = await pollScheduleMs(8);
    expect(pollSchedule.slice(0, 4)).toEqual([0, 1000, 2300, 3990]);
  });

  it('never scans, and reads only by key or by Query', () => {
    expect(Object.keys(observed)).toHaveLength(4);
    for (const o of Object.values(observed)) {
      const commands = Object.keys(total(o).requests.DynamoDB ?? {});
      expect(commands.filter((c) => !['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(c))).toEqual([]);
    }
  });
});

// ── The JSON the cost estimate cites ──────────────────────────────────────────────────────────────────

function sortedRequests(requests: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.keys(requests)
      .sort()
      .map((service) => [service, Object.fromEntries(Object.entries(requests[service] ?? {}).sort(([a], [b]) => a.localeCompare(b)))]),
  );
}
const phaseJson = (tally: PhaseTally) => ({ ...tally, requests: sortedRequests(tally.requests) });

afterAll(async () => {
  const target = process.env.MOTCUA_WRITE_COUNTS;
  if (!target || Object.keys(observed).length !== 4 || pageFiles === undefined || pollSchedule === undefined) return;
  const report = {
    about:
      'AWS requests per upload, observed by test/integration/request-counts.test.ts on the embedded stack: the page\'s API calls as web/static/app.js makes them, and every AWS SDK request of the api and process-upload functions. DynamoDB table units as metered by dynalite (a read at least 0.5 unit); GSI units derived: 1 WRU per KB per index the item is in.',
    regenerate: `MOTCUA_WRITE_COUNTS=${target} npx vitest run test/integration/request-counts.test.ts`,
    pageFilesPerView: pageFiles,
    pagePollScheduleMs: pollSchedule,
    note: 'Polls: the test sees one pending poll and the one with the verdict. On AWS the page polls at pagePollScheduleMs until the verdict; each extra poll costs what pendingPoll shows.',
    uploads: Object.fromEntries(
      Object.entries(observed).map(([name, o]) => [
        name,
        {
          verdict: o.verdict,
          rows: o.rows,
          page: o.page,
          apiFunction: phaseJson(o.apiFunction),
          processUpload: phaseJson(o.processUpload),
          total: phaseJson(total(o)),
          pendingPoll: phaseJson(o.pendingPoll),
        },
      ]),
    ),
  };
  await writeFile(resolve(process.cwd(), target), `${JSON.stringify(report, null, 2)}\n`);
});
