/**
 * A roster version's officials are stored packed, many to an item, on dynalite through the real SDK: every
 * reader answers as before, the receipt and matching reads carry no ID or phone number, and versions stored
 * one item per official before (a `.data/` or a deployed table from then) are still read and deleted.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { provinceOfficials } from '../../shared/pipeline/rosters.js';
import { CHUNK_MAX_OFFICIALS, objectOrderKey, packRosterChunks } from '../../shared/store/store.js';
import type { OfficialInput } from '../../shared/store/types.js';
import { useLocalStack } from '../support/local-stack.js';

const stack = useLocalStack();

const at = (minute: number) => new Date(Date.UTC(2021, 5, 20, 3, minute));

function officials(count: number, idPrefix: string, firstRow = 7): OfficialInput[] {
  return Array.from({ length: count }, (_, i) => ({
    row: firstRow + i,
    name: `Trần Thị Ánh ${i}`,
    workUnitCode: '21871',
    idNumber: `${idPrefix}${String(i).padStart(6, '0')}`,
    phone: `09141${String(i).padStart(5, '0')}`,
    idHash: `hash-${idPrefix}-${i}`,
    // Who else listed the person when the version was written: kept per official.
    sharedWith: i % 3 === 0 ? ['545', 'so-noi-vu'] : [],
  }));
}

/** Every item under a version's partition, as stored. */
async function versionItems(unit: string, versionId: string): Promise<Record<string, unknown>[]> {
  const { clients, tableName } = stack.current;
  const answer = await clients.doc.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ROSTER#${unit}#${versionId}` } }),
  );
  return answer.Items ?? [];
}

/** A version as it was stored before chunks: its marker, then one item per official keyed by the Excel row. */
async function writeOnePerOfficial(unit: string, versionId: string, people: readonly OfficialInput[]): Promise<void> {
  const { clients, tableName } = stack.current;
  await clients.doc.send(
    new PutCommand({ TableName: tableName, Item: { pk: `UNIT#${unit}`, sk: `VERSION#${versionId}`, type: 'roster-version', unit, versionId, uploadId: null, orderKey: null } }),
  );
  for (const person of people) {
    await clients.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `ROSTER#${unit}#${versionId}`, sk: `ROW#${String(person.row).padStart(7, '0')}`, type: 'official', unit, versionId, ...person },
      }),
    );
  }
}

async function flip(unit: string, versionId: string, officialCount: number, minute = 1): Promise<void> {
  await stack.current.deps.store.flipRoster(
    { unit, versionId, uploadId: `u-${versionId}`, orderKey: objectOrderKey(at(minute), 'A'), officialCount, receivedAt: at(minute) },
    at(59),
  );
}

/** The bodies of every DynamoDB answer while `run` runs (the document client shares the client's middleware stack). */
async function answersDuring(run: () => Promise<unknown>): Promise<string> {
  const { middlewareStack } = stack.current.clients.dynamodb;
  const answers: unknown[] = [];
  middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      answers.push(result.output);
      return result;
    },
    { step: 'initialize', name: 'packedRosterAnswers' },
  );
  try {
    await run();
  } finally {
    middlewareStack.remove('packedRosterAnswers');
  }
  return JSON.stringify(answers);
}

const withVersion = (unit: string, versionId: string, people: readonly OfficialInput[]) => people.map((person) => ({ ...person, unit, versionId }));

describe('packing a roster into chunks', () => {
  const official = fc.record({
    row: fc.integer({ min: 1, max: 1_048_576 }),
    name: fc.string({ unit: 'grapheme', maxLength: 40 }),
    workUnitCode: fc.string({ maxLength: 8 }),
    idNumber: fc.stringMatching(/^\d{9,12}$/),
    phone: fc.stringMatching(/^0\d{9}$/),
    idHash: fc.stringMatching(/^[0-9a-f]{64}$/),
    sharedWith: fc.array(fc.string({ maxLength: 9 }), { maxLength: 3 }),
  });

  it('keeps every official, in order, within the count and byte limits, the same way every time', () => {
    fc.assert(
      fc.property(fc.array(official, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 50, max: 4_000 }), (people, maxOfficials, maxBytes) => {
        const chunks = packRosterChunks(people, maxOfficials, maxBytes);
        const unpacked = chunks.flatMap((chunk) => {
          const receipt = JSON.parse(chunk.receipt) as { row: number; name: string; workUnitCode: string }[];
          const idHashes = JSON.parse(chunk.idHashes) as string[];
          const personal = JSON.parse(chunk.personal) as { idNumber: string; phone: string; sharedWith: string[] }[];
          expect(chunk.officialCount).toBe(receipt.length);
          expect([idHashes.length, personal.length]).toEqual([receipt.length, receipt.length]);
          expect(receipt.length).toBeGreaterThan(0);
          expect(receipt.length).toBeLessThanOrEqual(maxOfficials);
          const bytes = Buffer.byteLength(chunk.receipt + chunk.idHashes + chunk.personal);
          if (receipt.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
          return receipt.map((entry, i) => ({ ...entry, idHash: idHashes[i], ...personal[i] }));
        });
        expect(unpacked).toEqual(people);
        expect(packRosterChunks(people, maxOfficials, maxBytes)).toEqual(chunks);
      }),
    );
  });
});

describe('a roster version stored in chunks', () => {
  it('is a few items, read back whole by every reader, and deleted whole', async () => {
    const store = stack.current.deps.store;
    const people = officials(CHUNK_MAX_OFFICIALS * 2 + 1, '052089');
    await store.writeRosterVersion('546', 'packed', people);
    // A retry rewrites the same items.
    await store.writeRosterVersion('546', 'packed', people);
    const items = await versionItems('546', 'packed');
    expect(items.map((item) => item.sk)).toEqual(['CHUNK#00000', 'CHUNK#00001', 'CHUNK#00002']);
    expect(items.map((item) => item.officialCount)).toEqual([CHUNK_MAX_OFFICIALS, CHUNK_MAX_OFFICIALS, 1]);

    expect(await store.listVersionOfficials('546', 'packed')).toEqual(withVersion('546', 'packed', people));
    expect(await store.listVersionReceipt('546', 'packed')).toEqual(people.map(({ row, name, workUnitCode }) => ({ row, name, workUnitCode })));
    expect(await store.listCurrentOfficials('546')).toEqual([]);
    await flip('546', 'packed', people.length);
    expect(await store.listCurrentOfficials('546')).toEqual(withVersion('546', 'packed', people));
    const shared = people[3] as OfficialInput;
    expect(Object.fromEntries(await store.findOnOtherCurrentRosters([shared.idHash, 'hash-nobody'], '548'))).toEqual({ [shared.idHash]: ['546'] });
    const exported = (await provinceOfficials(store)).filter((o) => o.uploaderCode === '546');
    expect(exported.map((o) => [o.name, o.idNumber, o.phone])).toEqual(people.map((p) => [p.name, p.idNumber, p.phone]));

    await store.writeRosterVersion('546', 'next', officials(2, '052190'));
    await flip('546', 'next', 2, 2);
    expect(await store.deleteRosterVersion('546', 'packed')).toBe(3);
    expect(await versionItems('546', 'packed')).toEqual([]);
    expect((await store.listRosterVersions('546')).versions.map((v) => v.versionId)).toEqual(['next']);
  });

  it('gives a receipt and cross-unit matching without any ID or phone number travelling', async () => {
    const store = stack.current.deps.store;
    const people = officials(40, '052191');
    await store.writeRosterVersion('547', 'private', people);
    await flip('547', 'private', people.length);
    const answers = await answersDuring(async () => {
      await store.listVersionReceipt('547', 'private');
      await store.findOnOtherCurrentRosters(people.map((p) => p.idHash), '549');
    });
    expect(answers).toContain(people[0]?.name);
    expect(answers).toContain(people[0]?.idHash);
    for (const person of people) {
      expect(answers).not.toContain(person.idNumber);
      expect(answers).not.toContain(person.phone);
    }
  });
});

describe('a roster version stored one item per official, before chunks', () => {
  it('is read by every reader and deleted whole', async () => {
    const store = stack.current.deps.store;
    const people = officials(30, '052083');
    await writeOnePerOfficial('545', 'legacy', people);
    await flip('545', 'legacy', people.length);

    expect(await store.listVersionOfficials('545', 'legacy')).toEqual(withVersion('545', 'legacy', people));
    expect(await store.listCurrentOfficials('545')).toEqual(withVersion('545', 'legacy', people));
    expect(await store.listVersionReceipt('545', 'legacy')).toEqual(people.map(({ row, name, workUnitCode }) => ({ row, name, workUnitCode })));
    const person = people[5] as OfficialInput;
    expect(Object.fromEntries(await store.findOnOtherCurrentRosters([person.idHash], '548'))).toEqual({ [person.idHash]: ['545'] });
    const exported = (await provinceOfficials(store)).filter((o) => o.uploaderCode === '545');
    expect(exported.map((o) => [o.name, o.idNumber, o.phone])).toEqual(people.map((p) => [p.name, p.idNumber, p.phone]));

    await store.writeRosterVersion('545', 'packed', officials(3, '052084'));
    await flip('545', 'packed', 3, 2);
    expect(await store.deleteRosterVersion('545', 'legacy')).toBe(people.length);
    expect(await versionItems('545', 'legacy')).toEqual([]);
    expect((await store.listRosterVersions('545')).versions.map((v) => v.versionId)).toEqual(['packed']);
  });

  it('half-written then rewritten in chunks (a retry after the upgrade) lists each official once, and is deleted in both shapes', async () => {
    const store = stack.current.deps.store;
    const people = officials(12, '052085');
    await writeOnePerOfficial('544', 'mixed', people.slice(0, 5));
    await store.writeRosterVersion('544', 'mixed', people);
    await flip('544', 'mixed', people.length);

    expect((await versionItems('544', 'mixed')).length).toBe(1 + 5);
    expect(await store.listCurrentOfficials('544')).toEqual(withVersion('544', 'mixed', people));
    expect(await store.listVersionReceipt('544', 'mixed')).toHaveLength(people.length);

    await store.writeRosterVersion('544', 'next', officials(1, '052086'));
    await flip('544', 'next', 1, 2);
    expect(await store.deleteRosterVersion('544', 'mixed')).toBe(1 + 5);
    expect(await versionItems('544', 'mixed')).toEqual([]);
  });
});
