/**
 * The alarms an operator needs and the topic they go to. An alarm fires on the first failure: a roster
 * that could not be processed is a district that thinks it has reported and has not.
 */
import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORM_DIMENSION, UPLOAD_METRICS } from '../../functions/process-upload/metrics.js';
import { UPLOAD_FORMS } from '../../shared/tokens.js';

const ALARM_PERIOD = Duration.minutes(5);

export class OpsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { email: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'motcua-intake alarms', enforceSSL: true });
    this.topic.addSubscription(new EmailSubscription(props.email));
    if (props.email.endsWith('.invalid')) {
      // cdk.json ships a placeholder so that synth works offline; deployed as is, alarms would reach nobody.
      Annotations.of(this).addWarningV2(
        'motcua:placeholder-alarm-email',
        `Alarms go to the placeholder ${props.email}: deploy with -c motcua:alarmEmail=<a mailbox someone reads>.`,
      );
    }
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry an alarm name and a metric value, no personal data. CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, and a customer key would protect nothing here.',
    });
  }

  /** Any message in a dead-letter queue is a failure someone must look at. */
  alarmOnDeadLetters(id: string, queue: IQueue, what: string): Alarm {
    return this.alarm(id, queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }), {
      description: `${what}: messages waiting in the dead-letter queue`,
    });
  }

  alarmOnFunctionErrors(id: string, fn: IFunction, what: string): Alarm {
    return this.alarm(id, fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }), {
      description: `${what}: the function failed`,
    });
  }

  /**
   * Any upload that failed for good (recorded `failed`, not retried, so never in the dead-letter queue). The
   * process-upload function counts them per form in `namespace`; the alarm adds the forms up (one metric
   * per form actually used, no extra form-less copy to pay for).
   */
  alarmOnFailedUploads(id: string, props: { namespace: string; service: string }): Alarm {
    const perForm = Object.fromEntries(
      UPLOAD_FORMS.map((form) => [
        form,
        new Metric({
          namespace: props.namespace,
          metricName: UPLOAD_METRICS.failed,
          dimensionsMap: { service: props.service, [FORM_DIMENSION]: form },
          period: ALARM_PERIOD,
          statistic: 'Sum',
        }),
      ]),
    );
    const failed = new MathExpression({
      // A form with no failure has no data point: FILL keeps the sum defined.
      expression: UPLOAD_FORMS.map((form) => `FILL(${form}, 0)`).join(' + '),
      usingMetrics: perForm,
      period: ALARM_PERIOD,
      label: 'Uploads failed for good',
    });
    return this.alarm(id, failed, { description: 'process-upload: an upload failed for good (status failed); see the function log' });
  }

  alarmOnMetric(id: string, metric: IMetric, description: string): Alarm {
    return this.alarm(id, metric, { description });
  }

  private alarm(id: string, metric: IMetric, props: { description: string }): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: props.description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened, which is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
