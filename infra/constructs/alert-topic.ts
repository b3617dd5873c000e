/**
 * The on-call topic: alerts (stuck accounts, sweep brakes, operations given up) and CloudWatch alarms go
 * here. Alerts carry email addresses, so the topic is encrypted with its own key and refuses plain HTTP.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './queues';

interface AlertTopicProps {
  /** Subscribed by email when given. */
  readonly email: string | undefined;
}

/**
 * An SNS topic encrypted with a customer-managed key (rotated) that CloudWatch alarms may use, TLS only,
 * with an optional email subscription whose undeliverable messages land in a dead-letter queue.
 *
 * @example
 * const alerts = new AlertTopic(this, 'Alerts', { email: 'oncall@example.org' });
 * alerts.topic.grantPublish(workerFn);
 */
class AlertTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the mailbox-lifecycle on-call alert topic',
      enableKeyRotation: true,
      // Nothing is stored under this key beyond messages in flight: it goes with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms publish to an encrypted topic only when the key lets CloudWatch use it.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Mailbox lifecycle on-call alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email !== undefined) {
      const undelivered = new DeadLetterQueue(this, 'UndeliveredDlq', { holds: 'alerts SNS could not email' });
      this.topic.addSubscription(new EmailSubscription(props.email, { deadLetterQueue: undelivered }));
    }
  }
}

export { AlertTopic };
export type { AlertTopicProps };
