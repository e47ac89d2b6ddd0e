/**
 * The store on dynalite through the real SDK: the roster pointer only moves forward whatever order the
 * flips come in, versions are written and removed whole, people are found across units only on current
 * rosters, and upload records move through their statuses as one in-order delivery would move them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issuesKey } from '../../shared/aws/s3.js';
import { getObjectBytes, putObject } from '../../shared/aws/s3.js';
import { CHUNK_MAX_OFFICIALS, createStore, objectOrderKey } from '../../shared/store/store.js';
import type { OfficialInput } from '../../shared/store/types.js';
import { makeIssue } from '../../shared/verdict.js';
import { useLocalStack } from '../support/local-stack.js';

const stack = useLocalStack();
let sequence = 0;
/** A fresh unit code per scenario: scenarios share one table. */
const freshUnit = () => `t${++sequence}-${Date.now().toString(36)}`;

function officials(count: number, idPrefix: string): OfficialInput[] {
  return Array.from({ length: count }, (_, i) => ({
    row: 7 + i,
    name: `Nguyễn Văn ${String.fromCharCode(65 + (i % 26))}`,
    workUnitCode: '21871',
    idNumber: `${idPrefix}${String(i).padStart(6, '0')}`,
    phone: `09140${String(i).padStart(5, '0')}`,
    idHash: `hash-${idPrefix}-${i}`,
    sharedWith: [],
  }));
}

const at = (minute: number) => new Date(Date.UTC(2021, 5, 20, 3, minute));

describe('order keys', () => {
  it('order by event time, then by the sequencer right-padded as AWS documents', () => {
    const t = at(0);
    expect(objectOrderKey(t, '0055AED6DCD90281E5') < objectOrderKey(t, '0055AED6DCD90281E6')).toBe(true);
    // AWS: compare after right-padding the shorter with zeros ("1" is "10…0", greater than "0F…").
    expect(objectOrderKey(t, '1') > objectOrderKey(t, '0F')).toBe(true);
    expect(objectOrderKey(at(0), 'FFFF') < objectOrderKey(at(1), '0001')).toBe(true);
    expect(objectOrderKey(t, 'abc')).toBe(objectOrderKey(t, 'ABC'));
  });
});

describe('the roster pointer', () => {
  it('ends on the newest version, whatever order and how many times the flips arrive', async () => {
    const store = stack.current.deps.store;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((versions) =>
          fc.tuple(fc.constant(versions), fc.array(fc.integer({ min: 0, max: versions - 1 }), { minLength: versions, maxLength: versions * 3 })),
        ),
        async ([versions, deliveries]) => {
          const unit = freshUnit();
          // Every version delivered at least once, in a random order with duplicates.
          const order = [...deliveries, ...Array.from({ length: versions }, (_, v) => v)];
          let newestSoFar = -1;
          for (const v of order) {
            const result = await store.flipRoster(
              { unit, versionId: `v${v}`, uploadId: `u${v}`, orderKey: objectOrderKey(at(v), 'A'), officialCount: v, receivedAt: at(v) },
              at(59),
            );
            const expected = v > newestSoFar ? 'flipped' : v === newestSoFar ? 'already-current' : 'stale';
            expect(result.outcome).toBe(expected);
            newestSoFar = Math.max(newestSoFar, v);
          }
          const pointer = await store.getRosterPointer(unit);
          expect(pointer?.versionId).toBe(`v${versions - 1}`);
          expect(pointer?.officialCount).toBe(versions - 1);
          // The deadline is judged on the earliest accepted roster, even when it arrived late.
          expect(pointer?.firstReceivedAt).toBe(at(0).toISOString());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('tells a flip which versions it left without a pointer, so their rows can be removed', async () => {
    const store = stack.current.deps.store;
    const unit = freshUnit();
    const flip = (v: number) =>
      store.flipRoster({ unit, versionId: `v${v}`, uploadId: `u${v}`, orderKey: objectOrderKey(at(v), 'A'), officialCount: 1, receivedAt: at(v) }, at(59));
    expect(await flip(1)).toEqual({ outcome: 'flipped', previousVersionId: null, obsoleteVersionIds: [] });
    expect(await flip(2)).toEqual({ outcome: 'flipped', previousVersionId: 'v1', obsoleteVersionIds: ['v1'] });
    // The pointer remembers the replaced version: a retry after a crash between the flip and the deletion
    // still learns which rows to delete.
    expect(await store.getRosterPointer(unit)).toMatchObject({ versionId: 'v2', previousVersionId: 'v1' });
    expect(await flip(2)).toEqual({ outcome: 'already-current', obsoleteVersionIds: ['v1'] });
    // The next flip names the one before too, in case its deletion never ran.
    expect(await flip(3)).toEqual({ outcome: 'flipped', previousVersionId: 'v2', obsoleteVersionIds: ['v2', 'v1'] });
    expect(await flip(1)).toEqual({ outcome: 'stale', currentVersionId: 'v3' });
  });

  it('is listed for every unit by one query', async () => {
    const store = stack.current.deps.store;
    const units = [freshUnit(), freshUnit()];
    for (const unit of units) {
      await store.flipRoster({ unit, versionId: 'v', uploadId: 'u', orderKey: objectOrderKey(at(1), 'A'), officialCount: 3, receivedAt: at(1) }, at(2));
    }
    const listed = (await store.listRosterPointers()).filter((p) => units.includes(p.unit));
    expect(listed.map((p) => p.unit).sort()).toEqual([...units].sort());
  });
});

describe('roster versions', () => {
  it('are written in full beyond one chunk, read back in row order, and deleted whole', async () => {
    const store = stack.current.deps.store;
    const unit = freshUnit();
    const rows = officials(CHUNK_MAX_OFFICIALS + 10, '052089');
    await store.writeRosterVersion(unit, 'v1', rows);
    // Writing again is harmless: same keys, same values (a retry after a crash).
    await store.writeRosterVersion(unit, 'v1', rows);
    const read = await store.listVersionOfficials(unit, 'v1');
    expect(read.map((o) => o.row)).toEqual(rows.map((o) => o.row));
    expect(read[0]).toMatchObject({ unit, versionId: 'v1', name: rows[0]?.name, idNumber: rows[0]?.idNumber, phone: rows[0]?.phone });
    // Two items: a full chunk and the rest.
    expect(await store.deleteRosterVersion(unit, 'v1')).toBe(2);
    expect(await store.listVersionOfficials(unit, 'v1')).toEqual([]);
  });

  it('are invisible to readers until the pointer leads to them', async () => {
    const store = stack.current.deps.store;
    const unit = freshUnit();
    await store.writeRosterVersion(unit, 'v1', officials(3, '052083'));
    expect(await store.listCurrentOfficials(unit)).toEqual([]);
    await store.flipRoster({ unit, versionId: 'v1', uploadId: 'u1', orderKey: objectOrderKey(at(1), 'A'), officialCount: 3, receivedAt: at(1) }, at(2));
    expect(await store.listCurrentOfficials(unit)).toHaveLength(3);
  });
});

describe('finding a person on other units’ rosters', () => {
  it('counts only other units, and only their current version', async () => {
    const store = stack.current.deps.store;
    const [mine, current, superseded, halfWritten] = [freshUnit(), freshUnit(), freshUnit(), freshUnit()];
    const person = officials(1, '052190')[0] as OfficialInput;
    const flip = (unit: string, versionId: string, minute: number) =>
      store.flipRoster({ unit, versionId, uploadId: versionId, orderKey: objectOrderKey(at(minute), 'A'), officialCount: 1, receivedAt: at(minute) }, at(59));

    await store.writeRosterVersion(mine, 'm1', [person]);
    await flip(mine, 'm1', 1);
    await store.writeRosterVersion(current, 'c1', [person]);
    await flip(current, 'c1', 1);
    // The person was on this unit's old roster, not on its current one.
    await store.writeRosterVersion(superseded, 's1', [person]);
    await flip(superseded, 's1', 1);
    await store.writeRosterVersion(superseded, 's2', officials(1, '052191'));
    await flip(superseded, 's2', 2);
    // Rows written, pointer never flipped (a crash half-way).
    await store.writeRosterVersion(halfWritten, 'h1', [person]);

    const found = await store.findOnOtherCurrentRosters([person.idHash, 'hash-nobody'], mine);
    expect(Object.fromEntries(found)).toEqual({ [person.idHash]: [current] });
  });
});

describe('upload records', () => {
  const newUpload = (unit: string, uploadId: string, minute: number) => ({
    uploadId,
    unit,
    form: 'roster' as const,
    period: '2021-06',
    objectKey: `incoming/${unit}/${uploadId}.xlsx`,
    fileName: 'danh sach.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    declaredSize: 1234,
    createdAt: at(minute),
  });

  it('are listed newest first for their unit only', async () => {
    const store = stack.current.deps.store;
    const [unit, other] = [freshUnit(), freshUnit()];
    await store.createUpload(newUpload(unit, 'aaaaaaaa01', 1));
    await store.createUpload(newUpload(unit, 'aaaaaaaa02', 2));
    await store.createUpload(newUpload(other, 'aaaaaaaa03', 3));
    expect((await store.listUploads(unit)).map((u) => u.uploadId)).toEqual(['aaaaaaaa02', 'aaaaaaaa01']);
  });

  it('cannot be created twice under one id', async () => {
    const store = stack.current.deps.store;
    const unit = freshUnit();
    await store.createUpload(newUpload(unit, 'bbbbbbbb01', 1));
    await expect(store.createUpload(newUpload(unit, 'bbbbbbbb01', 2))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('start processing once per object, and let only a newer object take over', async () => {
    const store = stack.current.deps.store;
    const unit = freshUnit();
    const id = `cccccccc${sequence}`;
    await store.createUpload(newUpload(unit, id, 1));
    const first = { orderKey: objectOrderKey(at(2), 'A'), receivedAt: at(2) };
    const older = { orderKey: objectOrderKey(at(1), 'A'), receivedAt: at(1) };
    const newer = { orderKey: objectOrderKey(at(3), 'A'), receivedAt: at(3) };
    const outcome = async (object: typeof first, forUnit = unit) => (await store.beginProcessing(id, forUnit, object, at(5))).outcome;

    expect(await outcome(first, 'another-unit')).toBe('unknown');
    expect(await outcome(first)).toBe('started');
    // A retry before any verdict (crash, timeout) may start again.
    expect(await outcome(first)).toBe('started');
    const verdict = { status: 'rejected' as const, accepted: false, rowsRead: 2, issues: [makeIssue('FILE_NO_DATA_ROWS')], annotatedKey: null, versionId: null };
    expect(await store.recordVerdict(id, first.orderKey, verdict, at(6))).toBe(true);
    expect(await outcome(first)).toBe('duplicate');
    expect(await outcome(older)).toBe('stale');
    expect(await outcome(newer)).toBe('started');
    // The older object's verdict can no longer land.
    expect(await store.recordVerdict(id, first.orderKey, verdict, at(7))).toBe(false);
    expect((await store.getUpload(id))?.status).toBe('processing');
  });

  it('keep large issue lists beside the upload in S3, and read them back the same', async () => {
    const { deps, bucketName, clients } = stack.current;
    const unit = freshUnit();
    const store = createStore({
      doc: clients.doc,
      tableName: deps.config.tableName,
      inlineIssuesMaxBytes: 200,
      overflow: {
        keyFor: issuesKey,
        put: (key, body) => putObject(clients.s3, { bucket: bucketName, key, body, contentType: 'application/gzip' }),
        get: (key) => getObjectBytes(clients.s3, { bucket: bucketName, key }),
      },
    });
    const id = `dddddddd${sequence}`;
    await store.createUpload(newUpload(unit, id, 1));
    const object = { orderKey: objectOrderKey(at(2), 'A'), receivedAt: at(2) };
    await store.beginProcessing(id, unit, object, at(3));
    const issues = Array.from({ length: 400 }, (_, i) =>
      makeIssue(i % 2 ? 'PHONE_NOT_MOBILE' : 'ID_LENGTH', { row: 7 + i, column: i % 2 ? 'phone' : 'idNumber' }, { detail: '11' }),
    );
    await store.recordVerdict(id, object.orderKey, { status: 'rejected', accepted: false, rowsRead: 400, issues, annotatedKey: null, versionId: null }, at(4));
    const stored = await getObjectBytes(clients.s3, { bucket: bucketName, key: issuesKey(unit, id) });
    expect(stored.byteLength).toBeGreaterThan(200);
    const upload = await store.getUpload(id);
    expect(upload?.issues).toEqual(issues);
    expect(upload?.issueCount).toBe(400);
  });
});
