/**
 * The dashboard's `SendMail` port on SES (aws-ses-v2-local on `npm start` and in tests): a v1 SendEmail from
 * the configured sender, which is the only `ses:FromAddress` the api function's IAM policy allows.
 * Replace with `shared/aws/mailer.ts` once the report's sending helper lands.
 */
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { SendMail } from '../../../shared/admin/mail.js';
import { DependencyError } from '../../../shared/errors.js';

export function sesSendMail(ses: SESClient, sender: string): SendMail {
  return async (message) => {
    try {
      await ses.send(
        new SendEmailCommand({
          Source: sender,
          Destination: { ToAddresses: [...message.to] },
          Message: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
          },
        }),
      );
    } catch (error) {
      throw new DependencyError('SES SendEmail', { cause: error });
    }
  };
}
