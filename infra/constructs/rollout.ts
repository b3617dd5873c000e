/**
 * Safe rollouts (SPEC §7): every function's `live` alias moves to a new version through a CodeDeploy canary
 * (10 % of invocations for 5 minutes, then all), and CodeDeploy moves it back when one of the function's
 * alarms fires meanwhile or the deployment fails.
 */
import { Validations } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import type { LambdaFunction } from './lambda-function';

/** How a new version is let in. */
const ROLLOUT = LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES;

/**
 * One CodeDeploy application, a deployment group per function.
 *
 * @example
 * const rollouts = new Rollouts(this, 'Rollouts');
 * rollouts.add('Access', accessFn, [accessErrorRate, accessThrottleRate]);
 */
class Rollouts extends Construct {
  readonly application: LambdaApplication;
  readonly groups: { readonly fn: LambdaFunction; readonly group: LambdaDeploymentGroup }[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.application = new LambdaApplication(this, 'Application');
  }

  /** Rolls `fn`'s `live` alias out by canary, back on any of `alarms`. */
  add(name: string, fn: LambdaFunction, alarms: readonly IAlarm[]): LambdaDeploymentGroup {
    const group = new LambdaDeploymentGroup(this, name, {
      application: this.application,
      alias: fn.live,
      deploymentConfig: ROLLOUT,
      alarms: [...alarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's own managed policy for Lambda deployments: it may only read and update function aliases " +
        'and versions and read the alarms, which is what shifting traffic and rolling back need.',
    });
    this.groups.push({ fn, group });
    return group;
  }
}

export { Rollouts, ROLLOUT };
