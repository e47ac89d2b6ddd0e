/**
 * Sends a raw MIME message with SES v1 `SendRawEmail`. Retries are the SDK's own: the SES client is built with
 * the standard retry strategy and `SES_MAX_ATTEMPTS` attempts (exponential backoff with jitter on throttling,
 * 5xx and network errors; see `shared/aws/clients.ts`). What still fails becomes a `DependencyError`, which the
 * caller lets through so the run fails loudly (Lambda retries, then the dead-letter queue and its alarm).
 */
import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { DependencyError } from '../errors.js';

export interface RawEmail {
  from: string;
  to: readonly string[];
  raw: Uint8Array;
}

/** The SES message id of the sent mail. */
export async function sendRawEmail(ses: SESClient, email: RawEmail): Promise<string> {
  try {
    const result = await ses.send(
      new SendRawEmailCommand({ Source: email.from, Destinations: [...email.to], RawMessage: { Data: email.raw } }),
    );
    return result.MessageId ?? '';
  } catch (error) {
    throw new DependencyError('SES SendRawEmail', { cause: error });
  }
}
