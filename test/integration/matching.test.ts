/**
 * Finding an uploaded roster's people on other units' rosters costs O(units) requests, not one per row
 * (issue 10): the other units' current rosters are read once each (keyed hash and name only) and matched
 * in memory. Observed on the embedded stack with an SDK middleware on its clients, counting what
 * process-upload sends while it handles one S3 event (the pattern of request-counts.test.ts). Also here: a
 * file refused as a whole gets no annotated workbook, since it has no cell to mark.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createProcessUploadHandler } from '../../functions/process-upload/app.js';
import { BATCH_WRITE_MAX_ITEMS } from '../../shared/store/batch.js';
import { CHUNK_MAX_OFFICIALS } from '../../shared/store/store.js';
import {
  districtPeople,
  type Person,
  rosterWorkbook,
  senderLine,
  tokenOf,
  type UploadResult,
  uploadFile,
  useLocalStack,
} from '../support/local-stack.js';

/** AWS requests process-upload sent for the last event, by service then command (`Query@<index>` on an index). */
let counted: Record<string, Record<string, number>> = {};
let processing = false;

const stack = useLocalStack({
  handlerFor: (deps) => {
    const handler = createProcessUploadHandler(deps);
    return async (...args) => {
      // Uploads here are processed one at a time and the page's API calls wait for the verdict, so what is
      // sent while the handler runs is process-upload's own.
      counted = {};
      processing = true;
      try {
        return await handler(...args);
      } finally {
        processing = false;
      }
    };
  },
});

beforeAll(() => {
  const count = (service: string, name: string) => {
    if (!processing) return;
    const byCommand = counted[service] ?? {};
    byCommand[name] = (byCommand[name] ?? 0) + 1;
    counted[service] = byCommand;
  };
  const { clients } = stack.current;
  // The document client shares this client's middleware stack, so the store's calls pass through it too.
  clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const input = args.input as { IndexName?: unknown };
      count('DynamoDB', typeof input.IndexName === 'string' ? `${command}@${input.IndexName}` : command);
      return next(args);
    },
    { step: 'initialize', name: 'matchingCounter' },
  );
  clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      // Presigning runs the middleware but sends nothing.
      if (!(typeof result.output === 'object' && result.output !== null && 'presigned' in result.output)) {
        count('S3', (context.commandName ?? 'unknown').replace(/Command$/, ''));
      }
      return result;
    },
    { step: 'initialize', name: 'matchingCounter' },
  );
});

/** Uploads as the page does; returns the verdict and what process-upload sent to reach it. */
async function upload(unit: string, bytes: Uint8Array, fileName = 'danh sach.xlsx') {
  counted = {};
  const result: UploadResult = await uploadFile(stack.current, tokenOf(stack.current.inviteLink(unit)), { bytes, fileName });
  return { status: result.status, requests: counted };
}

async function roster(unit: string, people: readonly Person[]) {
  return upload(unit, await rosterWorkbook(senderLine(unit), people));
}

const dynamo = (requests: Record<string, Record<string, number>>) => requests.DynamoDB ?? {};
const withoutBatches = (requests: Record<string, Record<string, number>>) => {
  const { BatchWriteItem: _batches, ...rest } = dynamo(requests);
  return rest;
};

describe('matching an accepted roster against the other units’ rosters', () => {
  const vinhThanh = districtPeople('546', 6, 60);

  it('costs the same requests for 5 rows as for 150, besides one write batch per 25 chunks of officials', async () => {
    expect((await roster('546', vinhThanh)).status).toMatchObject({ accepted: true, rows: 6 });
    expect((await roster('545', districtPeople('545', 4, 61))).status).toMatchObject({ accepted: true, rows: 4 });
    // Each unit's second roster, so that both see the same other rosters and each replaces a short one.
    await roster('548', districtPeople('548', 2, 62));
    await roster('547', districtPeople('547', 2, 63));

    const short = await roster('548', districtPeople('548', 5, 62));
    const long = await roster('547', districtPeople('547', 150, 63));
    expect(short.status).toMatchObject({ accepted: true, rows: 5, issues: [] });
    expect(long.status).toMatchObject({ accepted: true, rows: 150, issues: [] });

    // The new officials packed in chunks written 25 to a batch, then the replaced version's chunk deleted in one.
    const batches = (rows: number) => Math.ceil(Math.ceil(rows / CHUNK_MAX_OFFICIALS) / BATCH_WRITE_MAX_ITEMS);
    expect(dynamo(short.requests).BatchWriteItem).toBe(batches(5) + 1);
    expect(dynamo(long.requests).BatchWriteItem).toBe(batches(150) + 1);
    expect(withoutBatches(long.requests)).toEqual(withoutBatches(short.requests));
    // Nothing asks the person index, row by row or otherwise.
    expect(Object.keys(dynamo(long.requests)).filter((command) => command.includes('gsi1'))).toEqual([]);
  });

  it('reads one more roster for each other unit that has one, however long the file', async () => {
    const before = await roster('544', districtPeople('544', 3, 64));
    // One more unit has a roster now (544); the uploading unit's own is never read for matching.
    const after = await roster('543', districtPeople('543', 3, 65));
    expect(before.status).toMatchObject({ accepted: true });
    expect(after.status).toMatchObject({ accepted: true });
    expect(dynamo(after.requests).Query).toBe((dynamo(before.requests).Query ?? 0) + 1);
    expect(dynamo(after.requests)['Query@gsi2']).toBe(1);
  });

  it('still warns, in a long file, about each person another unit lists under the same name, and flags them for the centre', async () => {
    const [same, renamed] = vinhThanh as [Person, Person, ...Person[]];
    const people = [...districtPeople('549', 120, 66), { ...same, unit: 'BPMC thị xã An Nhơn' }, { ...renamed, name: 'Tên Khác Hẳn', unit: 'BPMC thị xã An Nhơn' }];
    const { status } = await roster('549', people);
    expect(status).toMatchObject({ accepted: true, rows: 122 });
    expect(status.issues.map((issue) => [issue.code, issue.row])).toEqual([['ID_ON_OTHER_ROSTER', expect.any(Number)]]);
    expect(JSON.stringify(status.issues)).not.toMatch(/Vĩnh Thạnh|546/);

    const listed = await stack.current.deps.store.listCurrentOfficials('549');
    const shared = listed.filter((official) => official.sharedWith.length > 0);
    expect(shared.map((official) => [official.name, official.sharedWith])).toEqual([
      [same.name, ['546']],
      ['Tên Khác Hẳn', ['546']],
    ]);
  });
});

describe('the annotated workbook', () => {
  it('is not written for a file refused as a whole: there is no cell to mark', async () => {
    const refused = await upload('542', new TextEncoder().encode('không phải tệp Excel'), 'danh sach.xlsx');
    expect(refused.status).toMatchObject({ status: 'rejected', accepted: false, reportUrl: null });
    expect(refused.status.issues.every((issue) => issue.row === null)).toBe(true);
    expect(refused.requests.S3).toEqual({ GetObject: 1 });
    const record = await stack.current.deps.store.getUpload(refused.status.uploadId as string);
    expect(record?.annotatedKey).toBeNull();
  });

  it('is written when an issue points at a row', async () => {
    const people = districtPeople('542', 3, 67).map((person, index) => (index === 1 ? { ...person, idNumber: '05218002200' } : person));
    const rejected = await roster('542', people);
    expect(rejected.status).toMatchObject({ status: 'rejected', accepted: false, reportUrl: expect.any(String) });
    expect(rejected.requests.S3).toEqual({ GetObject: 1, PutObject: 1 });
  });
});
