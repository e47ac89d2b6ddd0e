/**
 * One measurement in a fresh process, for bench/run.ts: `node --import tsx bench/child.ts MODE ARGS…`.
 * Prints one JSON line: the first call (cold: nothing warmed up in this process), the second (warm), and how
 * far the process's peak memory rose during the cold call. Setup (starting the embedded stack, building
 * the rows to write) is not measured.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { startLocalStack } from '../infra/local/stack.js';
import { packRosterChunks } from '../shared/store/store.js';
import type { OfficialInput } from '../shared/store/types.js';
import { issueToken } from '../shared/tokens.js';
import { validate } from '../shared/validate.js';
import { BENCH_UNIT, benchPeople } from './rows.js';

export interface ChildMeasure {
  coldMs: number;
  warmMs: number | null;
  /** maxRSS after the cold call minus the RSS just before it. */
  peakAddedMb: number;
  /** Requests the measured operation sent, where the mode counts them. */
  requests?: number;
}

const [mode = '', ...args] = process.argv.slice(2);
const mb = (bytes: number) => bytes / 2 ** 20;
const NOW = new Date('2021-06-24T03:00:00Z');
const UNIT = BENCH_UNIT;

async function measure(operation: (round: number) => Promise<unknown>, warm: boolean): Promise<ChildMeasure> {
  const before = process.memoryUsage().rss;
  let started = performance.now();
  await operation(0);
  const coldMs = performance.now() - started;
  const peakAddedMb = Math.max(0, process.resourceUsage().maxRSS / 1024 - mb(before));
  if (!warm) return { coldMs, warmMs: null, peakAddedMb };
  started = performance.now();
  await operation(1);
  return { coldMs, warmMs: performance.now() - started, peakAddedMb };
}

function fileArg(): { bytes: Uint8Array; name: string } {
  const file = args[0];
  if (!file) throw new Error(`${mode}: FILE expected`);
  return { bytes: new Uint8Array(readFileSync(file)), name: basename(file) };
}

async function bareLoad(bytes: Uint8Array): Promise<void> {
  await new ExcelJS.Workbook().xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
}

/** exceljs's streaming reader over every row, as STACK.md measured it. */
async function streamRead(bytes: Uint8Array): Promise<number> {
  const { Readable } = await import('node:stream');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes)]), {
    sharedStrings: 'cache',
    styles: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let rows = 0;
  for await (const worksheet of reader) for await (const _row of worksheet) rows += 1;
  return rows;
}

/** The rows a store write puts, for `count` officials of Phù Cát. */
function officials(count: number, hash: (id: string) => string): OfficialInput[] {
  return benchPeople(count).map((person, index) => ({
    row: index + 7,
    name: person.name,
    workUnitCode: UNIT,
    idNumber: person.idNumber,
    phone: person.phone,
    idHash: hash(person.idNumber),
    sharedWith: [],
  }));
}

/**
 * A plain BatchWriteItem loop, 25 items a request, 4 in flight, of the very items the store writes for these
 * officials (packRosterChunks: up to 100 officials an item), with no marker, no pointer and no matching: the
 * floor any store write is held to. (Before rosters were packed, the store and this floor wrote one item per
 * official.)
 */
async function bareWrites(doc: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient, tableName: string, officials: OfficialInput[], versionId: string): Promise<number> {
  const items = packRosterChunks(officials).map((chunk, index) => ({ pk: `BENCH#${versionId}`, sk: `CHUNK#${String(index).padStart(5, '0')}`, ...chunk }));
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  let requests = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      let pending: Record<string, unknown>[] = batch;
      while (pending.length > 0) {
        requests += 1;
        const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending.map((Item) => ({ PutRequest: { Item } })) } }));
        pending = (answer.UnprocessedItems?.[tableName] ?? []).flatMap((request) => (request.PutRequest?.Item ? [request.PutRequest.Item] : []));
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return requests;
}

async function withStack<T>(run: (stack: Awaited<ReturnType<typeof startLocalStack>>) => Promise<T>): Promise<T> {
  const stack = await startLocalStack({ port: 0, quiet: true, logLevel: 'ERROR', now: () => NOW, rosterDeadline: '2021-06-25' });
  try {
    return await run(stack);
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<ChildMeasure> {
  switch (mode) {
    case 'load': {
      const { bytes } = fileArg();
      return measure(() => bareLoad(bytes), true);
    }
    case 'stream': {
      const { bytes } = fileArg();
      return measure(() => streamRead(bytes), true);
    }
    case 'validate': {
      const { bytes, name } = fileArg();
      // A copy per call: the reading of an upload is kept per byte array, and each call must read anew.
      return measure(() => validate(new Uint8Array(bytes), { unit: UNIT, form: 'roster', fileName: name, now: NOW }), true);
    }
    case 'ingest':
    case 'bare-writes': {
      const count = Number(args[0]);
      return withStack(async (stack) => {
        const rows = officials(count, stack.deps.hashPersonId);
        return measure(async (round) => {
          const versionId = `bench-${round}-${randomUUID()}`;
          if (mode === 'bare-writes') return bareWrites(stack.clients.doc, stack.tableName, rows, versionId);
          // What process-upload does with an accepted roster's rows: look for each person on other units'
          // current rosters, then write the version.
          await stack.deps.store.findOnOtherCurrentRosters(
            rows.map((row) => row.idHash),
            UNIT,
          );
          return stack.deps.store.writeRosterVersion(UNIT, versionId, rows);
        }, true);
      });
    }
    case 'verdict':
    case 'validate-and-writes': {
      const { bytes, name } = fileArg();
      const warm = args[1] !== 'cold-only';
      return withStack(async (stack) => {
        if (mode === 'validate-and-writes') {
          return measure(async (round) => {
            const verdict = await validate(new Uint8Array(bytes), { unit: UNIT, form: 'roster', fileName: name, now: NOW });
            const rows = verdict.rows.map((row, index) => ({
              row: row.row,
              name: row.name ?? '',
              workUnitCode: row.unitCode ?? UNIT,
              idNumber: row.idNumber ?? '',
              phone: row.phone ?? '',
              idHash: stack.deps.hashPersonId(row.idNumber ?? String(index)),
              sharedWith: [],
            }));
            return bareWrites(stack.clients.doc, stack.tableName, rows, `bench-${round}`);
          }, warm);
        }
        const token = issueToken({ unit: UNIT, form: 'roster', period: '2021-06', expiresAt: new Date(Date.now() + 3_600_000) }, stack.tokenSecret);
        return measure(async () => {
          // From the page's POST to the verdict it polls for, as the clerk waits for it.
          const created = await fetch(`${stack.baseUrl}/api/uploads`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token, fileName: name, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: bytes.byteLength }),
          });
          const presigned = (await created.json()) as { uploadId: string; url: string; fields: Record<string, string> };
          const form = new FormData();
          for (const [field, value] of Object.entries(presigned.fields)) form.append(field, value);
          form.append('file', new Blob([Buffer.from(bytes)]), name);
          const posted = await fetch(presigned.url, { method: 'POST', body: form });
          if (!posted.ok) throw new Error(`S3 POST answered ${posted.status}`);
          for (;;) {
            await stack.whenIdle();
            const answer = await fetch(`${stack.baseUrl}/api/uploads/${presigned.uploadId}`, { headers: { authorization: `Bearer ${token}` } });
            const status = ((await answer.json()) as { status: string }).status;
            if (status !== 'pending' && status !== 'processing') {
              if (status !== 'accepted') throw new Error(`upload ended ${status}`);
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }, warm);
      });
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
