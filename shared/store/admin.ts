/**
 * The dashboard's items: one-time sign-in links, the audit trail, and the per-day reminder marks.
 *
 * | item          | pk                        | sk                        | attributes |
 * | ------------- | ------------------------- | ------------------------- | ---------- |
 * | sign-in link  | `SIGNIN#<sha256(nonce)>`  | `SIGNIN`                  | email, expiresAt (ISO), ttl |
 * | audit entry   | `AUDIT`                   | `<at ISO>#<random>`       | actor, action, detail (units, form, period, count) |
 * | reminder mark | `REMINDER#<unit>#<form>`  | `<Vietnam date>`          | at, actor, ttl |
 * | sign-in quota | `SIGNIN_QUOTA#<subject>`  | `QUOTA`                   | sentAt (epoch ms list), version, ttl |
 * | ended session | `SESSION_ENDED#<id>`      | `SESSION`                 | ttl (the session's own expiry) |
 *
 * A quota's subject is an HMAC of the address (never the address: an unknown one may be a stranger's) or
 * `ALL` for the global cap. It keeps the send times of its sliding window: read, then written back on the
 * condition that nobody wrote in between (dynalite has no transactions; two GetItem/PutItem pairs per mail).
 * An ended session is read with one consistent GetItem on every admin request.
 *
 * A link is consumed by a conditional delete that returns the old item: of two requests racing with the same
 * nonce, exactly one gets the address. The trail is one partition read newest first (a Query, a page of the
 * latest entries): the centre's staff do a few dozen actions a month.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AUDIT_ACTION_NAMES, type AuditAction, type AuditDetail, type AuditEntry, auditDetailSchema } from '../admin/audit.js';
import { ConflictError } from '../errors.js';
import { dynamoCall, parseItem, type TableAccess } from './query.js';

const AUDIT_PK = 'AUDIT';
const key = {
  signIn: (nonceHash: string) => ({ pk: `SIGNIN#${nonceHash}`, sk: 'SIGNIN' }),
  reminder: (unit: string, form: string, day: string) => ({ pk: `REMINDER#${unit}#${form}`, sk: day }),
  signInQuota: (subject: string) => ({ pk: `SIGNIN_QUOTA#${subject}`, sk: 'QUOTA' }),
  endedSession: (sessionId: string) => ({ pk: `SESSION_ENDED#${sessionId}`, sk: 'SESSION' }),
} as const;
/** Two requests racing for the last send of a window: the loser reads again; after this many it gives up. */
const QUOTA_ATTEMPTS = 3;
/** Expired links and old reminder marks are removed by TTL on AWS (housekeeping only: reads check times). */
const SIGN_IN_TTL_GRACE_S = 24 * 3600;
const REMINDER_TTL_S = 40 * 24 * 3600;
export const AUDIT_PAGE_SIZE = 200;

const signInItem = z.object({ email: z.string().min(1), expiresAt: z.string() });
const quotaItem = z.object({ sentAt: z.array(z.number()), version: z.number().int() });
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

    /**
     * Takes one of the `limit` sends `subject` may make in any `windowMs`; false when they are all used
     * (or when others keep winning the race for the last one: refusing is the safe side).
     */
    async takeSignInQuota(subject: string, quota: { limit: number; windowMs: number }, now: Date): Promise<boolean> {
      const Key = key.signInQuota(subject);
      for (let attempt = 0; attempt < QUOTA_ATTEMPTS; attempt += 1) {
        const read = await dynamoCall('GetItem sign-in quota', () => doc.send(new GetCommand({ TableName, Key, ConsistentRead: true })));
        const current = read.Item ? parseItem(quotaItem, read.Item) : undefined;
        const recent = (current?.sentAt ?? []).filter((at) => at > now.getTime() - quota.windowMs);
        if (recent.length >= quota.limit) return false;
        try {
          await dynamoCall('PutItem sign-in quota', () =>
            doc.send(
              new PutCommand({
                TableName,
                Item: {
                  ...Key,
                  type: 'admin-sign-in-quota',
                  sentAt: [...recent, now.getTime()],
                  version: (current?.version ?? 0) + 1,
                  ttl: Math.ceil((now.getTime() + quota.windowMs) / 1000) + SIGN_IN_TTL_GRACE_S,
                },
                ...(current
                  ? {
                      ConditionExpression: '#version = :version',
                      ExpressionAttributeNames: { '#version': 'version' },
                      ExpressionAttributeValues: { ':version': current.version },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              }),
            ),
          );
          return true;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      return false;
    },

    /** Records that a session was signed out, until it would have expired anyway (TTL removes it then). */
    async endSession(session: { sessionId: string; expiresAt: Date }): Promise<void> {
      await dynamoCall('PutItem ended session', () =>
        doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...key.endedSession(session.sessionId),
              type: 'admin-session-ended',
              ttl: Math.ceil(session.expiresAt.getTime() / 1000) + SIGN_IN_TTL_GRACE_S,
            },
          }),
        ),
      );
    },

    /** Whether a session was signed out (strongly consistent: a sign-out holds from the next request on). */
    async isSessionEnded(sessionId: string): Promise<boolean> {
      const read = await dynamoCall('GetItem ended session', () =>
        doc.send(new GetCommand({ TableName, Key: key.endedSession(sessionId), ConsistentRead: true, ProjectionExpression: 'pk' })),
      );
      return read.Item !== undefined;
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
