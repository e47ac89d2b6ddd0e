/**
 * Link revocation per holder (a unit, or the centre), in the one table:
 *
 * | item            | pk            | sk      | gsi2pk / gsi2sk          | attributes |
 * | --------------- | ------------- | ------- | ------------------------ | ---------- |
 * | link revocation | `UNIT#<unit>` | `LINKS` | `REVOCATIONS` / `<unit>` | revokedBefore, revocations, updatedAt |
 *
 * `revokedBefore` plays the role of a link generation whose value is an instant: a token issued before it
 * (its `iat` claim, shared/tokens.ts) is void, one issued at or after it works. So issuing a link never
 * needs to read the store, and the links issued before tokens carried an issue time count as issued at the
 * epoch: valid until the holder's first revoke. The instant only moves forward, so two `revoke` runs racing
 * each other leave the later one. The API reads the item on every request (one consistent GetItem, no
 * cache), so a revoke takes effect on the next request.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError } from '../errors.js';
import { dynamoCall, parseItem, queryParsed, type TableAccess } from './query.js';
import { GSI2 } from './table.js';

const key = {
  revocation: (holder: string) => ({ pk: `UNIT#${holder}`, sk: 'LINKS' }),
  revocations: 'REVOCATIONS',
} as const;

const revocationItem = z.object({
  unit: z.string(),
  revokedBefore: z.iso.datetime(),
  revocations: z.number().int().nonnegative(),
});

export interface LinkRevocation {
  /** A uploader unit code, or the centre (`CENTRE_UNIT`). */
  holder: string;
  /** Links of this holder issued before this instant are void. */
  revokedBefore: Date;
  /** How many times the holder's links were revoked. */
  revocations: number;
}

export type LinkRevocations = ReturnType<typeof createLinkRevocations>;

const toRevocation = (item: z.infer<typeof revocationItem>): LinkRevocation => ({
  holder: item.unit,
  revokedBefore: new Date(item.revokedBefore),
  revocations: item.revocations,
});

export function createLinkRevocations(table: TableAccess) {
  const TableName = table.tableName;

  /** The holder's revocation, or undefined when its links were never revoked. Consistent: a revoke shows at once. */
  async function revocationOf(holder: string): Promise<LinkRevocation | undefined> {
    const answer = await dynamoCall('GetItem link revocation', () =>
      table.doc.send(new GetCommand({ TableName, Key: key.revocation(holder), ConsistentRead: true })),
    );
    return answer.Item ? toRevocation(parseItem(revocationItem, answer.Item)) : undefined;
  }

  return {
    revocationOf,

    /** Voids every link of `holder` issued before `before`; a later revoke already recorded is kept. */
    async revoke(holder: string, before: Date): Promise<LinkRevocation> {
      const at = before.toISOString();
      try {
        await dynamoCall('UpdateItem link revocation', () =>
          table.doc.send(
            new UpdateCommand({
              TableName,
              Key: key.revocation(holder),
              UpdateExpression:
                'SET #type = :type, #unit = :unit, revokedBefore = :at, updatedAt = :at, gsi2pk = :gsi2pk, gsi2sk = :unit ADD revocations :one',
              ConditionExpression: 'attribute_not_exists(revokedBefore) OR revokedBefore < :at',
              ExpressionAttributeNames: { '#type': 'type', '#unit': 'unit' },
              ExpressionAttributeValues: { ':type': 'link-revocation', ':unit': holder, ':at': at, ':gsi2pk': key.revocations, ':one': 1 },
            }),
          ),
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // A revoke at the same or a later instant is already recorded: it voids at least as much.
      }
      const recorded = await revocationOf(holder);
      if (!recorded) throw new ConflictError('link revocation vanished after it was written');
      return recorded;
    },

    /** Every holder whose links were ever revoked (one Query on gsi2), for the centre's status. */
    async listRevocations(): Promise<LinkRevocation[]> {
      const items = await queryParsed(
        table,
        { IndexName: GSI2, KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': key.revocations } },
        revocationItem,
      );
      return items.map(toRevocation);
    },
  };
}

/** Whether a token issued at `issuedAt` (none: before tokens carried one) is void under `revocation`. */
export function isRevoked(issuedAt: Date | undefined, revocation: LinkRevocation | undefined): boolean {
  if (!revocation) return false;
  return (issuedAt?.getTime() ?? 0) < revocation.revokedBefore.getTime();
}
