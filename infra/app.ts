/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy -c jwtIssuer=… -c jwtAudience=… -c alertEmail=…`.
 */
import { App } from 'aws-cdk-lib';
import { createMailboxLifecycle } from './stacks/mailbox-lifecycle';

const app = new App();
createMailboxLifecycle(app);
app.synth();
