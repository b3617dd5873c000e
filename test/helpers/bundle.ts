/**
 * A Lambda function's bundle exactly as `cdk deploy` ships it: its entry bundled by the app's own
 * LambdaFunction construct (infra/constructs/lambda-function.ts) in a throwaway CDK app — same esbuild
 * options, banner and lazy modules. Used by `npm run bench` (start time, SPEC §8) and by the tests that run
 * a bundle as Lambda does.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface FunctionBundle {
  /** The bundle's index.mjs. */
  readonly file: string;
  /** Every file of the asset (index.mjs, its lazy modules, their source maps). */
  readonly files: readonly string[];
  /** The function's environment; deploy-time tokens stand in as `bench-<name>` placeholders. */
  readonly environment: Record<string, string>;
}

/** Environment values that are deploy-time tokens (resolved by CloudFormation) stand in as placeholders. */
function literalEnvironment(environment: unknown): Record<string, string> {
  const variables = (environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `bench-${name.toLowerCase()}`,
    ]),
  );
}

/**
 * Bundles `entry` (relative to the repository root) into the CDK assembly directory `outdir`.
 *
 * @example
 * const { file, environment } = await bundleFunction('functions/http/access.ts', outdir);
 */
async function bundleFunction(entry: string, outdir: string): Promise<FunctionBundle> {
  const { App, Duration, Stack } = await import('aws-cdk-lib');
  const { LambdaFunction } = await import('../../infra/constructs/lambda-function');
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundle');
  const fn = new LambdaFunction(stack, 'Fn', {
    entry,
    description: `bundle of ${entry}`,
    timeout: Duration.seconds(30),
    memorySize: 1024,
    environment: { TABLE_NAME: 'mailbox-lifecycle', SWEEP: 'inactivity' },
  });
  const resource = fn.node.defaultChild as unknown as { code: unknown; environment: unknown };
  const code = stack.resolve(resource.code) as { s3Key?: string };
  const hash = code.s3Key?.replace(/\.zip$/, '');
  const dir = join(outdir, `asset.${hash}`);
  const file = join(dir, 'index.mjs');
  if (hash === undefined || !existsSync(file)) throw new Error(`no bundle for ${entry} in ${outdir}`);
  return { file, files: readdirSync(dir).sort(), environment: literalEnvironment(stack.resolve(resource.environment)) };
}

export { bundleFunction };
export type { FunctionBundle };
