/**
 * The monthly report in the AWS app: EventBridge Scheduler at 08:00 on the 1st in Vietnam time, retries, a
 * dead-letter queue with an alarm, and a role that holds exactly what the report needs, SES sending from the
 * configured sender only, no token secret and no Scan.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MONTHLY_REPORT_SCHEDULE } from '../../infra/constructs/monthly-report.js';
import type { IntakeStack } from '../../infra/intake-stack.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

const SENDER = 'bao-cao@ttpvhcc.binhdinh.gov.vn';
const RECIPIENTS = ['chanh-van-phong@binhdinh.gov.vn', 'pho-chu-tich@binhdinh.gov.vn'];

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

let stack: IntakeStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthIntakeStack({ context: { reportSender: SENDER, reportRecipients: RECIPIENTS.join(',') } }));
});

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOfReportRole(): Statement[] {
  const roleId = logicalIdOf(stack.monthlyReport.function.role);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles?: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies.filter((p) => p.Properties.Roles?.some((role) => role.Ref === roleId)).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('the monthly report on AWS', () => {
  it('runs at 08:00 on the 1st of each month, read in Asia/Ho_Chi_Minh, with retries and a dead-letter queue', () => {
    expect(MONTHLY_REPORT_SCHEDULE).toBe('cron(0 8 1 * ? *)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(stack.monthlyReport.function.function), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack.monthlyReport.deadLetterQueue), 'Arn'] } },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(stack.monthlyReport.function.function) },
      MaximumRetryAttempts: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stack.monthlyReport.function.function) } }],
    });
  });

  it('gets the sender, the recipients and the deadlines from configuration', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'motcua-monthly-report',
          REPORT_SENDER: SENDER,
          REPORT_RECIPIENTS: RECIPIENTS.join(','),
          ROSTER_DEADLINE: '2021-06-25',
          GRANTS_DEADLINE: '2021-06-30',
          RESULTS_DUE_DAY: '5',
        }),
      },
    });
  });

  it('may send only with the configured sender as From, through its identities', () => {
    const ses = statementsOfReportRole().filter((s) => asList(s.Action).some((action) => action.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toEqual('ses:SendRawEmail');
    expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
    const identities = asList(ses[0]?.Resource).map((arn) => JSON.stringify(arn).match(/:identity\/([^"]+)"/)?.[1]);
    expect(identities.sort()).toEqual([SENDER, 'ttpvhcc.binhdinh.gov.vn', ...RECIPIENTS].sort());
  });

  it('holds the table (no Scan), writes (never reads) under reports/, SES, and the token secret that signs the link', () => {
    const actions = statementsOfReportRole().flatMap((s) => asList(s.Action).map((action) => `${action} ${JSON.stringify(s.Resource)}`));
    expect(actions.some((a) => a.startsWith('dynamodb:Query'))).toBe(true);
    expect(actions.some((a) => a.startsWith('dynamodb:Scan'))).toBe(false);
    const secrets = actions.filter((a) => a.startsWith('secretsmanager:'));
    expect(secrets).toEqual([`secretsmanager:GetSecretValue ${JSON.stringify({ Ref: logicalIdOf(stack.tokenSecret) })}`]);
    const objects = actions.filter((a) => a.startsWith('s3:'));
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatch(/^s3:PutObject .*\/reports\/\*/);
  });

  it('lets the api function read reports/ (the link redirects to a GET it presigns), and write nothing there', () => {
    const roleId = logicalIdOf(stack.apiFunction.role);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { Roles?: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
    }[];
    const onReports = policies
      .filter((p) => p.Properties.Roles?.some((role) => role.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => JSON.stringify(s.Resource).includes('/reports/*'));
    expect(onReports.flatMap((s) => asList(s.Action))).toEqual(['s3:GetObject']);
  });

  it('gives the function the public origin its link points at, and warns at synth time when there is none', () => {
    const configured = synthIntakeStack({ context: { publicBaseUrl: 'https://d1.cloudfront.net/' } });
    configured.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'motcua-monthly-report', PUBLIC_BASE_URL: 'https://d1.cloudfront.net' }) },
    });
    Annotations.fromStack(configured.stack).hasNoWarning('*', Match.stringLikeRegexp('motcua:report-without-public-base-url'));
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('motcua:report-without-public-base-url'));
  });
});
