/**
 * The whole deployment: ONE top-level stack (the service stack, with the data in its nested stack), so a
 * plain `cdk deploy` deploys everything, and the cdk-nag checks that run at every synth (AwsSolutions and
 * Serverless; a finding fails the synth unless acknowledged with a reason). cdk-nag 3 walks the app's whole
 * construct tree, nested stacks included.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readDeployContext } from './context';
import type { DataStack } from './data-stack';
import { ServiceStack } from './service-stack';

/**
 * The one top-level stack's name. It also prefixes the sweep functions' names
 * (`MailboxLifecycle-Service-<sweep>-sweep`, docs/deploy.md): changing it renames them.
 */
const STACK_NAME = 'MailboxLifecycle-Service';

interface MailboxLifecycle {
  /** The top-level stack: everything that runs. */
  readonly service: ServiceStack;
  /** Its nested stack: the table and the event bus. */
  readonly data: DataStack;
}

/**
 * Adds the stack to `app` from its context (jwtIssuer, jwtAudience, alertEmail, mailPlatformUrl,
 * functionConfig). Environment-agnostic: no account or region, no lookups, so synth works offline.
 *
 * @example
 * const app = new App();
 * createMailboxLifecycle(app);
 * app.synth();
 */
function createMailboxLifecycle(app: App): MailboxLifecycle {
  const context = readDeployContext(app.node);
  const service = new ServiceStack(app, STACK_NAME, {
    description:
      'Mailbox lifecycle: HTTP API, worker, events, sweeps, alerts and alarms; the table and the ' +
      'event bus in the nested stack Data (the table is retained)',
    context,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { service, data: service.data };
}

export { createMailboxLifecycle, STACK_NAME };
export type { MailboxLifecycle };
