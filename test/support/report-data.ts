/**
 * Writes report input straight through the stores, as the intake would after accepting a file: a roster
 * version and its pointer flip, a results version and its flip. For the report's integration tests, which
 * need exact rosters and figures at exact times rather than workbooks sent through the page.
 */
import type { ResultsEntry } from '../../shared/report/types.js';
import { objectOrderKey } from '../../shared/store/store.js';
import type { FlipResult } from '../../shared/store/types.js';
import type { LocalStack } from '../../infra/local/stack.js';

/** One official of a roster written for a report test; without `idNumber`, one is made up from the row. */
export interface RosterPersonInput {
  idHash: string;
  workUnitCode: string;
  idNumber?: string;
}

export interface ReportDataWriter {
  /** The order key and time S3 would give an object received at `receivedAt`. */
  deliveryOf(receivedAt: string, sequencer?: string): { orderKey: string; receivedAt: Date };
  /** A roster version and its flip, processed at the writer's clock. */
  writeRoster(unit: string, versionId: string, receivedAt: string, people: readonly RosterPersonInput[]): Promise<FlipResult>;
  /** `deleteReplaced`: also delete the rows of the file it replaced, as the intake does. */
  writeResults(period: string, scope: string, versionId: string, receivedAt: string, entries: readonly ResultsEntry[], options?: { deleteReplaced?: boolean }): Promise<void>;
}

/** `stack` is read on each call: the test's stack starts in a `beforeAll`. `now` is a time, or a clock the test moves. */
export function reportDataWriter(stack: () => LocalStack, now: Date | (() => Date)): ReportDataWriter {
  const clock = typeof now === 'function' ? now : () => now;
  const deliveryOf = (receivedAt: string, sequencer = '0A') => ({ orderKey: objectOrderKey(new Date(receivedAt), sequencer), receivedAt: new Date(receivedAt) });
  return {
    deliveryOf,
    async writeRoster(unit, versionId, receivedAt, people) {
      const { store } = stack().deps;
      await store.writeRosterVersion(
        unit,
        versionId,
        people.map((person, index) => ({
          row: index + 7,
          name: `Cán bộ ${index + 1}`,
          workUnitCode: person.workUnitCode,
          idNumber: person.idNumber ?? `05208900${String(index).padStart(4, '0')}`,
          phone: `036643${String(index).padStart(4, '0')}`,
          idHash: person.idHash,
          sharedWith: [],
        })),
      );
      const delivery = deliveryOf(receivedAt);
      return store.flipRoster(
        { unit, versionId, uploadId: `up-${versionId}`, orderKey: delivery.orderKey, officialCount: people.length, receivedAt: delivery.receivedAt },
        clock(),
      );
    },
    async writeResults(period, scope, versionId, receivedAt, entries, options = {}) {
      const { results } = stack().deps;
      await results.writeResultsVersion(period, scope, versionId, entries);
      const flip = await results.flipResults(
        { period, scope, versionId, uploadId: `up-${versionId}`, ...deliveryOf(receivedAt), rowCount: entries.length, total: entries.reduce((total, e) => total + e.count, 0) },
        clock(),
      );
      if (options.deleteReplaced && flip.outcome === 'flipped' && flip.previousVersionId) await results.deleteResultsVersion(period, scope, flip.previousVersionId);
    },
  };
}

/** A DynamoDB request a test saw: the command, and the partition (or index partition) a Query read. */
export interface SeenRequest {
  command: string;
  pk: string | null;
}

/** Records every request the stack's document client sends into the returned list (tests empty it between steps). */
export function recordRequests(stack: LocalStack, name: string): SeenRequest[] {
  const requests: SeenRequest[] = [];
  stack.clients.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
      const pk = input.ExpressionAttributeValues?.[':pk'];
      requests.push({ command: String(context.commandName), pk: typeof pk === 'string' ? pk : null });
      return next(args);
    },
    { step: 'initialize', name },
  );
  return requests;
}
