/**
 * The dashboard's items: one-time sign-in links, the audit trail, and the per-day reminder marks.
 *
 * | item          | pk                        | sk                        | attributes |
 * | ------------- | ------------------------- | ------------------------- | ---------- |
 * | sign-in link  | `SIGNIN#<sha256(nonce)>`  | `SIGNIN`                  | email, expiresAt (ISO), ttl |
 * | audit entry   | `AUDIT`                   | `<at ISO>#<random>`       | actor, action, detail (units, form, period, count) |
 * | reminder mark | `REMINDER#<unit>#<form>`  | `<Vietnam date>`          | at, actor, ttl |
 *
 * A link is consumed by a conditional delete that returns the old item: of two requests racing with the same
 * nonce, exactly one gets the address. The trail is one partition read newest first (a Query, a page of the
 * latest entries): the centre's staff do a few dozen actions a month.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AUDIT_ACTION_NAMES, type AuditAction, type AuditDetail, type AuditEntry, auditDetailSchema } from '../admin/audit.js';
import { ConflictError } from '../errors.js';
import { dynamoCall, parseItem, type TableAccess } from './query.js';

const AUDIT_PK = 'AUDIT';
const key = {
  signIn: (nonceHash: string) => ({ pk: `SIGNIN#${nonceHash}`, sk: 'SIGNIN' }),
  reminder: (unit: string, form: string, day: string) => ({ pk: `REMINDER#${unit}#${form}`, sk: day }),
} as const;
/** Expired links and old reminder marks are removed by TTL on AWS (housekeeping only: reads check times). */
const SIGN_IN_TTL_GRACE_S = 24 * 3600;
const REMINDER_TTL_S = 40 * 24 * 3600;
export const AUDIT_PAGE_SIZE = 200;

const signInItem = z.object({ email: z.string().min(1), expiresAt: z.string() });
const auditItem = z.object({
  sk: z.string(),
  actor: z.string(),
  action: z.enum(AUDIT_ACTION_NAMES),
  detail: auditDetailSchema,
});

export type AdminStore = ReturnType<typeof createAdminStore>;

export function createAdminStore(table: TableAccess) {
  const { doc, tableName: TableName } = table;
  return {
    async putSignInLink(link: { nonceHash: string; email: string; expiresAt: Date }): Promise<void> {
      await dynamoCall('PutItem sign-in link', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...key.signIn(link.nonceHash),
              type: 'admin-sign-in',
              email: link.email,
              expiresAt: link.expiresAt.toISOString(),
              ttl: Math.floor(link.expiresAt.getTime() / 1000) + SIGN_IN_TTL_GRACE_S,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    /** The address a link was issued for, deleting it; undefined when it is unknown, used or expired. */
    async consumeSignInLink(nonceHash: string, now: Date): Promise<string | undefined> {
      try {
        const result = await dynamoCall('DeleteItem sign-in link', () =>
          doc.send(
            new DeleteCommand({
              TableName,
              Key: key.signIn(nonceHash),
              ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
              ExpressionAttributeValues: { ':now': now.toISOString() },
              ReturnValues: 'ALL_OLD',
            }),
          ),
        );
        return parseItem(signInItem, result.Attributes).email;
      } catch (error) {
        if (error instanceof ConflictError) return undefined;
        throw error;
      }
    },

    async appendAudit(entry: { at: Date; actor: string; action: AuditAction; detail: AuditDetail }): Promise<void> {
      await dynamoCall('PutItem audit entry', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: {
              pk: AUDIT_PK,
              sk: `${entry.at.toISOString()}#${randomBytes(4).toString('hex')}`,
              type: 'audit',
              actor: entry.actor,
              action: entry.action,
              detail: auditDetailSchema.parse(entry.detail),
            },
          }),
        ),
      );
    },

    /** The latest entries, newest first (one Query page). */
    async listAudit(limit = AUDIT_PAGE_SIZE): Promise<AuditEntry[]> {
      const page = await dynamoCall('Query audit', () =>
        doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': AUDIT_PK },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      );
      return (page.Items ?? []).map((item) => {
        const parsed = parseItem(auditItem, item);
        return { at: parsed.sk.split('#')[0] ?? parsed.sk, actor: parsed.actor, action: parsed.action, detail: parsed.detail };
      });
    },

    /**
     * Marks that `unit` was reminded about `form` on `day` (a Vietnam date); false when it already was that
     * day, so two staff pressing "remind" at once still send one mail.
     */
    async markReminded(mark: { unit: string; form: string; day: string; at: Date; actor: string }): Promise<boolean> {
      try {
        await dynamoCall('PutItem reminder mark', () =>
          doc.send(
            new PutCommand({
              TableName,
              Item: {
                ...key.reminder(mark.unit, mark.form, mark.day),
                type: 'reminder',
                at: mark.at.toISOString(),
                actor: mark.actor,
                ttl: Math.floor(mark.at.getTime() / 1000) + REMINDER_TTL_S,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConflictError) return false;
        throw error;
      }
    },

    /** Removes a mark whose mail could not be sent. */
    async clearReminded(mark: { unit: string; form: string; day: string }): Promise<void> {
      await dynamoCall('DeleteItem reminder mark', () =>
        doc.send(new DeleteCommand({ TableName, Key: key.reminder(mark.unit, mark.form, mark.day) })),
      );
    },
  };
}
