/**
 * Link records in the store, on the embedded DynamoDB: each link `invite` issues is counted per unit and
 * form with the latest issue and expiry, and `status` reads them all back with one Query (never a Scan).
 */
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack.js';

const stack = useLocalStack();
const DAY = 86_400_000;

/** The DynamoDB commands the store sends while `work` runs, by name. */
async function commandsSentDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const { middlewareStack } = stack.current.clients.dynamodb;
  middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'linkRecordsCommandLog' },
  );
  try {
    await work();
  } finally {
    middlewareStack.remove('linkRecordsCommandLog');
  }
  return sent;
}

describe('link records', () => {
  it('counts the links of a unit and form, keeping the latest issue and its expiry', async () => {
    const { store } = stack.current.deps;
    const first = new Date('2026-11-20T02:00:00Z');
    const second = new Date('2026-11-27T03:30:00Z');
    await store.recordLinkIssued({ unit: '548', form: 'roster', issuedAt: first, expiresAt: new Date(first.getTime() + 7 * DAY) });
    await store.recordLinkIssued({ unit: '548', form: 'roster', issuedAt: second, expiresAt: new Date(second.getTime() + 14 * DAY) });

    const records = await store.listLinkRecords();
    expect(records.filter((r) => r.unit === '548')).toEqual([
      { unit: '548', form: 'roster', count: 2, lastIssuedAt: second.toISOString(), lastExpiresAt: new Date(second.getTime() + 14 * DAY).toISOString() },
    ]);
  });

  it('keeps the later link when an earlier one is recorded after it (two invite runs racing), and still counts it', async () => {
    const { store } = stack.current.deps;
    const later = new Date('2026-11-28T09:00:00Z');
    const earlier = new Date('2026-11-28T08:59:00Z');
    await store.recordLinkIssued({ unit: '546', form: 'roster', issuedAt: later, expiresAt: new Date(later.getTime() + DAY) });
    await store.recordLinkIssued({ unit: '546', form: 'roster', issuedAt: earlier, expiresAt: new Date(earlier.getTime() + 30 * DAY) });

    const record = (await store.listLinkRecords()).find((r) => r.unit === '546' && r.form === 'roster');
    expect(record).toEqual({
      unit: '546',
      form: 'roster',
      count: 2,
      lastIssuedAt: later.toISOString(),
      lastExpiresAt: new Date(later.getTime() + DAY).toISOString(),
    });
  });

  it('keeps forms and holders apart, the centre included', async () => {
    const { store } = stack.current.deps;
    const at = new Date('2026-11-29T01:00:00Z');
    const expiresAt = new Date(at.getTime() + DAY);
    await store.recordLinkIssued({ unit: 'so-noi-vu', form: 'roster', issuedAt: at, expiresAt });
    await store.recordLinkIssued({ unit: 'so-noi-vu', form: 'results', issuedAt: at, expiresAt });
    await store.recordLinkIssued({ unit: 'ttpvhcc', form: 'grants', issuedAt: at, expiresAt });

    const records = await store.listLinkRecords();
    expect(records.filter((r) => r.unit === 'so-noi-vu').map((r) => [r.form, r.count])).toEqual([
      ['results', 1],
      ['roster', 1],
    ]);
    expect(records.find((r) => r.unit === 'ttpvhcc')).toMatchObject({ form: 'grants', count: 1 });
  });

  it('lists every record with one Query, never a Scan, and leaves the unit\'s roster alone', async () => {
    const { store } = stack.current.deps;
    const sent = await commandsSentDuring(() => store.listLinkRecords());
    expect(sent).toEqual(['QueryCommand']);
    // The records share the unit's partition with its roster pointer: they must not read as one.
    expect(await store.getRosterPointer('548')).toBeUndefined();
    expect(await store.listRosterPointers()).toEqual([]);
  });
});
