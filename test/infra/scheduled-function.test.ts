/**
 * `addScheduledFunction` is how a scheduled job (the monthly report, infra/constructs/monthly-report.ts) joins the app: one call gives a
 * function with the app's defaults, its grants, an EventBridge Scheduler schedule read in Vietnam time,
 * retries, a dead-letter queue and alarms, and leaves the cdk-nag checks clean.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IntakeStack, ScheduledFunction } from '../../infra/intake-stack.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

const RECIPIENTS = ['chanh-van-phong@binhdinh.gov.vn', 'pho-chu-tich@binhdinh.gov.vn'];
const SENDER = 'bao-cao@ttpvhcc.binhdinh.gov.vn';

let stack: IntakeStack;
let template: Template;
let report: ScheduledFunction | undefined;

beforeAll(() => {
  ({ stack, template } = synthIntakeStack({
    context: { reportRecipients: RECIPIENTS.join(','), reportSender: SENDER },
    extend: (target) => {
      report = target.addScheduledFunction({
        // Not `MonthlyReport`: the stack already has that one; this is a second job of the same kind.
        id: 'ScheduledExample',
        entry: 'test/infra/fixtures/scheduled-handler.ts',
        description: 'An example scheduled job',
        schedule: 'cron(0 8 1 * ? *)',
        timeZone: 'Asia/Ho_Chi_Minh',
        access: { table: 'read-write', sendEmail: true },
      });
    },
  }));
});

function scheduled(): ScheduledFunction {
  if (!report) throw new Error('the scheduled function was not added');
  return report;
}

describe('addScheduledFunction', () => {
  it('creates an EventBridge Scheduler schedule at 08:00 on the 1st, read in Vietnam time, targeting the function', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(scheduled().function.function), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(scheduled().deadLetterQueue), 'Arn'] } },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      }),
    });
  });

  it('gives the function the app defaults: Node.js 22 on arm64, its own log group, the config variables', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(scheduled().function.logGroup) } },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'motcua-scheduled-example',
          TABLE_NAME: { Ref: logicalIdOf(stack.storage.table) },
          REPORT_SENDER: SENDER,
          REPORT_RECIPIENTS: RECIPIENTS.join(','),
        }),
      },
    });
  });

  it('grants sending only from the configured sender (and, in the SES sandbox, to the verified recipients)', () => {
    type Statement = { Action: string | string[]; Resource: unknown };
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(scheduled().function.role) }] } })) as {
      Properties: { PolicyDocument: { Statement: Statement[] } };
    }[];
    const sesStatements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement).filter((statement) => String(statement.Action).includes('ses:'));
    expect(sesStatements.map((statement) => statement.Action)).toEqual(['ses:SendRawEmail']);
    const [sesStatement] = sesStatements;
    if (!sesStatement) throw new Error('no SES statement');
    const identities = (sesStatement.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((arn) => {
      const parts = arn['Fn::Join'][1];
      expect(parts.slice(0, 6)).toEqual(['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }]);
      return parts[6];
    });
    expect(identities.sort()).toEqual([SENDER, 'ttpvhcc.binhdinh.gov.vn', ...RECIPIENTS].map((identity) => `:identity/${identity}`).sort());
  });

  it('sends a run that failed after its retries to the dead-letter queue, and alarms on it and on errors', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdOf(scheduled().function.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(scheduled().deadLetterQueue), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(scheduled().deadLetterQueue), 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(scheduled().function.function) } }],
    });
  });

  it('lets the scheduler invoke only this function', () => {
    const schedules = template.findResources('AWS::Scheduler::Schedule') as Record<string, { Properties: { Target: { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] } } } }>;
    const schedule = Object.values(schedules).find(
      (candidate) => JSON.stringify(candidate.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(scheduled().function.function), 'Arn'] }),
    );
    const roleId = schedule?.Properties.Target.RoleArn['Fn::GetAtt'][0];
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOf(scheduled().function.function), 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('keeps the cdk-nag checks clean', () => {
    const findings = new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);
    expect(findings).toEqual([]);
  });
});
