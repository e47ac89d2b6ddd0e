/**
 * What the centre's dashboard (`/api/admin/*`, in the api function) needs beyond the upload API: its settings
 * as environment variables (see shared/admin/settings.ts) and SES sending, limited by an
 * `ses:FromAddress` condition to the configured sender: the sign-in, link and reminder mails can come from
 * that address only, whatever the code asks.
 */
import { Annotations, Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { REPORTS_PREFIX } from '../../shared/report/file-link.js';
import type { IntakeStack } from '../intake-stack.js';
import { grantAccess } from './function-access.js';
import type { IntakeConfig } from './intake-config.js';
import type { IntakeFunction } from './intake-function.js';

/**
 * SendRawEmail only: every mail is a MIME message sent through shared/aws/mailer.ts (the sign-in, link and
 * reminder mails, and the monthly report sent from the dashboard, workbook attached).
 */
export const DASHBOARD_SEND_ACTIONS = ['ses:SendRawEmail'] as const;

type DashboardConfig = Pick<IntakeConfig, 'reportSender' | 'reportRecipients' | 'centreEmails' | 'publicBaseUrl' | 'unitEmails'>;

export function grantDashboard(api: IntakeFunction, config: DashboardConfig): void {
  const stack = Stack.of(api);
  api.function.addEnvironment('CENTRE_EMAILS', config.centreEmails.join(','));
  api.function.addEnvironment('MAIL_SENDER', config.reportSender);
  // "Send the report" on the dashboard runs the report's own code (shared/report/run.ts) with its settings.
  api.function.addEnvironment('REPORT_SENDER', config.reportSender);
  api.function.addEnvironment('REPORT_RECIPIENTS', config.reportRecipients.join(','));
  // Always set on AWS (`{}` when empty): unset, the local placeholders would apply.
  api.function.addEnvironment('UNIT_EMAILS', JSON.stringify(config.unitEmails));
  if (config.publicBaseUrl) {
    api.function.addEnvironment('PUBLIC_BASE_URL', config.publicBaseUrl);
  } else {
    // The distribution's own name cannot be given to the function behind it (a dependency cycle).
    Annotations.of(api).addWarningV2(
      'motcua:no-public-base-url',
      'Sign-in mails of the dashboard are not sent until motcua:publicBaseUrl is set: deploy once, then redeploy with -c motcua:publicBaseUrl=<PublicBaseUrl output>. Until then use `npm run cli -- admin-link EMAIL`.',
    );
  }
  // SES authorizes a send against the sender's identity (address or domain) and, in the sandbox, each
  // recipient's; the condition pins the From address whatever identity the request names.
  const senderDomain = config.reportSender.split('@')[1] ?? config.reportSender;
  const unitAddresses = Object.values(config.unitEmails).flat();
  const identities = [...new Set([config.reportSender, senderDomain, ...config.centreEmails, ...unitAddresses, ...config.reportRecipients])];
  api.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...DASHBOARD_SEND_ACTIONS],
      resources: identities.map((identity) =>
        Arn.format({ service: 'ses', resource: 'identity', resourceName: identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack),
      ),
      conditions: { StringEquals: { 'ses:FromAddress': config.reportSender } },
    }),
  );
}

/**
 * Read on `reports/` for the api function, and nothing more: the link in a report mail whose workbook was too
 * large to attach goes to `/api/report-files/<token>`, which answers with a 5-minute GET presigned by this
 * role (a link presigned by the report function's temporary credentials would not last the 7 days promised).
 * Called once the api function exists, by the monthly report's construct.
 */
export function grantReportFileReads(stack: IntakeStack): void {
  grantAccess(
    stack.apiFunction,
    { readObjects: [REPORTS_PREFIX] },
    {
      table: stack.storage.table,
      bucket: stack.storage.uploadsBucket,
      tokenSecret: stack.tokenSecret,
      email: { sender: stack.config.reportSender, recipients: stack.config.reportRecipients },
    },
  );
}
