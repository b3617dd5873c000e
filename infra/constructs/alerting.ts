/**
 * Helpers that tie functions and alarms to the on-call topic.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { LambdaFunction } from './lambda-function';

/** How often alarms look at their metrics unless they say otherwise. */
const ALARM_PERIOD = Duration.minutes(5);

/**
 * Lets `fn` publish alerts to `topic` (and use its key to encrypt them).
 *
 * @example
 * allowAlerts(worker, alerts.topic);
 */
function allowAlerts(fn: LambdaFunction, topic: ITopic): void {
  topic.grantPublish(fn);
  fn.acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      'Publishing to the KMS-encrypted alert topic needs kms:GenerateDataKey* (GenerateDataKey and its ' +
      "WithoutPlaintext variant, as SNS documents) on that topic's key only.",
  });
}

interface OnCallAlarmProps {
  readonly metric: IMetric;
  /** Alarm at or above this value. */
  readonly threshold: number;
  /** What it means and what to do: on-call reads it in the notification. */
  readonly description: string;
  readonly treatMissingData?: TreatMissingData;
  readonly evaluationPeriods?: number;
  /** Of `evaluationPeriods`, how many must breach (all of them by default). */
  readonly datapointsToAlarm?: number;
  /** At or above the threshold by default; below it for "did not happen" alarms. */
  readonly below?: boolean;
}

/**
 * An alarm that notifies `topic` when it fires and when it clears.
 *
 * @example
 * onCallAlarm(this, 'WorkerDlqDepth', alerts.topic, { metric: dlqDepth(workerDlq), threshold: 1, description: '…' });
 */
function onCallAlarm(scope: Construct, id: string, topic: ITopic, props: OnCallAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: props.below
      ? ComparisonOperator.LESS_THAN_THRESHOLD
      : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    datapointsToAlarm: props.datapointsToAlarm,
    treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/** The number of messages waiting in a (dead-letter) queue. */
const queueDepth = (queue: IQueue): IMetric =>
  queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' });

/**
 * A percentage `part` is of `whole` over each period, 0 while `whole` is under `minimum` (a handful of
 * requests is no rate: one error among three is not an outage). Metric math, so the alarm pages on a rate
 * rather than on a count that would be noise at thousands of requests a second.
 *
 * @example
 * ratePercent('errors', fn.metricErrors(), fn.metricInvocations(), 20)
 */
function ratePercent(label: string, part: IMetric, whole: IMetric, minimum: number): MathExpression {
  return new MathExpression({
    expression: `IF(whole >= ${minimum}, 100 * part / whole, 0)`,
    usingMetrics: { part, whole },
    label: `${label} (%)`,
    period: ALARM_PERIOD,
  });
}

export { allowAlerts, onCallAlarm, queueDepth, ratePercent, ALARM_PERIOD };
export type { OnCallAlarmProps };
