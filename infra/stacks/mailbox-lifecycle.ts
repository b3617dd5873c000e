/**
 * The whole deployment: ONE top-level stack (the service stack, with the data in its nested stack), so a
 * plain `cdk deploy` deploys everything, and the cdk-nag checks that run at every synth (AwsSolutions and
 * Serverless; a finding fails the synth unless acknowledged with a reason). cdk-nag 3 walks the app's whole
 * construct tree, nested stacks included.
 */
import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { SERVICE_NAME } from '../../shared/observability';
import { readDeployContext } from './context';
import type { DataStack } from './data-stack';
import { ServiceStack } from './service-stack';

/**
 * The one top-level stack's name for a stage (`MailboxLifecycle-prod`, `MailboxLifecycle-dev`). It also
 * prefixes the names the stack gives (`MailboxLifecycle-prod-leaver-sweep`, docs/deploy.md), so two stages
 * are two independent copies in one account: changing it renames them.
 *
 * @example
 * stackName('dev') // 'MailboxLifecycle-dev'
 */
const stackName = (stage: string): string => `MailboxLifecycle-${stage}`;

/** The tags every resource carries (cost allocation, and telling the stages apart). */
const TAG = { service: 'service', stage: 'stage' } as const;

interface MailboxLifecycle {
  /** The top-level stack: everything that runs. */
  readonly service: ServiceStack;
  /** Its nested stack: the table and the event bus. */
  readonly data: DataStack;
}

/**
 * Adds the stack to `app` from its context (infra/stacks/context.ts). Environment-agnostic: no account or region, no lookups, so synth works offline.
 *
 * @example
 * const app = new App();
 * createMailboxLifecycle(app);
 * app.synth();
 */
function createMailboxLifecycle(app: App): MailboxLifecycle {
  const context = readDeployContext(app.node);
  const service = new ServiceStack(app, stackName(context.stage), {
    description:
      'Mailbox lifecycle: HTTP API, worker, events, sweeps, alerts and alarms; the table and the ' +
      'event bus in the nested stack Data (the table is retained)',
    context,
  });
  // On the stack, so its nested stack and every taggable resource in either carry them.
  Tags.of(service).add(TAG.service, SERVICE_NAME);
  Tags.of(service).add(TAG.stage, context.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { service, data: service.data };
}

export { createMailboxLifecycle, stackName, TAG };
export type { MailboxLifecycle };
