/**
 * The one way the system sends mail: a MIME message built with nodemailer's MailComposer, sent with SES v1
 * `SendRawEmail` (the report with its workbook, the dashboard's sign-in, link and reminder mails). Retries are
 * the SDK's own: the SES client is built with the standard retry strategy and `SES_MAX_ATTEMPTS` attempts
 * (exponential backoff with jitter on throttling, 5xx and network errors; see `shared/aws/clients.ts`). What
 * still fails becomes a `DependencyError`, which the caller lets through so the run fails loudly.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DependencyError } from '../errors.js';
import { sesPackage } from './clients.js';

export interface RawEmail {
  from: string;
  to: readonly string[];
  raw: Uint8Array;
}

/** A plain message: text, and an HTML alternative when there is one. */
export interface OutgoingMail {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  html?: string;
}

/** The SES message id of the sent mail. */
export async function sendRawEmail(ses: SESClient, email: RawEmail): Promise<string> {
  try {
    const { SendRawEmailCommand } = sesPackage();
    const result = await ses.send(
      new SendRawEmailCommand({ Source: email.from, Destinations: [...email.to], RawMessage: { Data: email.raw } }),
    );
    return result.MessageId ?? '';
  } catch (error) {
    throw new DependencyError('SES SendRawEmail', { cause: error });
  }
}

/** Builds `mail` as MIME (text and HTML as alternatives) and sends it; the SES message id. */
export async function sendMail(ses: SESClient, mail: OutgoingMail): Promise<string> {
  const composer = new MailComposer({
    from: mail.from,
    to: [...mail.to],
    subject: mail.subject,
    text: mail.text,
    ...(mail.html === undefined ? {} : { html: mail.html }),
    // Nothing in a mail is fetched from a path or a URL while composing.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return sendRawEmail(ses, { from: mail.from, to: mail.to, raw: new Uint8Array(raw) });
}
