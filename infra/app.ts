/**
 * The CDK app: `npx cdk synth -c alertEmail=…` / `npx cdk deploy -c alertEmail=… [-c stage=…]
 * [-c jwtIssuer=… -c jwtAudience=…]` (docs/deploy.md). A context that would deploy a broken service stops here
 * with one line naming the key.
 */
import { App } from 'aws-cdk-lib';
import { ContextError } from './stacks/context';
import { createMailboxLifecycle } from './stacks/mailbox-lifecycle';

const app = new App();
try {
  createMailboxLifecycle(app);
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(`mailbox-lifecycle: ${error.message}`);
  process.exit(1);
}
app.synth();
