/**
 * Helpers for the infra tests: build the app as infra/app.ts does (with a given context), synthesize it once,
 * and read what the template grants each function and how it refers to the nested data stack.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import type { LambdaFunction } from '../../infra/constructs/lambda-function';
import { createMailboxLifecycle, type MailboxLifecycle } from '../../infra/stacks/mailbox-lifecycle';

interface Synthesized extends MailboxLifecycle {
  readonly app: App;
  readonly assembly: CloudAssembly;
  /** The nested data stack's template. */
  readonly dataTemplate: Template;
  /** The top-level stack's template. */
  readonly serviceTemplate: Template;
}

interface SynthOptions {
  /** Skip esbuild (fast): for tests that only read the templates. */
  readonly bundle: boolean;
}

/**
 * Builds and synthesizes the whole app with `context`. Synthesis runs the cdk-nag plugins and throws on any
 * unacknowledged error-level finding.
 */
function synthesize(context: Record<string, unknown>, options: SynthOptions): Synthesized {
  const app = new App({
    context: { ...context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
  const stacks = createMailboxLifecycle(app);
  const assembly = app.synth();
  return {
    ...stacks,
    app,
    assembly,
    dataTemplate: Template.fromStack(stacks.data),
    serviceTemplate: Template.fromStack(stacks.service),
  };
}

/** Removes the synthesized assembly (templates and bundles) from the temporary directory. */
const removeAssembly = (synthesized: Synthesized | undefined): void => {
  if (synthesized !== undefined) rmSync(synthesized.assembly.directory, { recursive: true, force: true });
};

/** The logical id of a construct's CloudFormation resource (or of a CloudFormation element itself). */
const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(
    CfnElement.isCfnElement(construct) ? construct : (construct.node.defaultChild as CfnElement),
  );

/**
 * How the service stack refers to `construct` of the nested data stack (its `Ref`, or its `attribute`): a
 * `GetAtt` of the nested stack's output that carries it.
 */
function fromData(synthesized: Synthesized, construct: IConstruct, attribute?: string): unknown {
  const id = logicalId(construct);
  const value = attribute === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, attribute] };
  const outputs = Object.entries(synthesized.dataTemplate.findOutputs('*'));
  const output = outputs.find(([, o]) => isDeepStrictEqual((o as { Value: unknown }).Value, value));
  if (output === undefined) throw new Error(`the data stack has no output of ${JSON.stringify(value)}`);
  const nested = synthesized.data.nestedStackResource;
  if (nested === undefined) throw new Error('the data stack is not nested');
  return { 'Fn::GetAtt': [logicalId(nested), `Outputs.${output[0]}`] };
}

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every policy attached to `fn`'s role. */
function statementsOf(template: Template, fn: LambdaFunction): Statement[] {
  const role = logicalId(fn.serviceRole);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The actions `fn` is allowed, optionally only those of one service (`dynamodb`). */
function actionsOf(template: Template, fn: LambdaFunction, service?: string): string[] {
  return statementsOf(template, fn)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => asArray(s.Action))
    .filter((a) => service === undefined || a.startsWith(`${service}:`))
    .sort();
}

/** The resources of the statements allowing `action` to `fn`. */
function resourcesFor(template: Template, fn: LambdaFunction, action: string): unknown[] {
  return statementsOf(template, fn)
    .filter((s) => s.Effect === 'Allow' && asArray(s.Action).includes(action))
    .flatMap((s) => asArray(s.Resource));
}

/** The synthesized function resource of `fn`. */
function functionResource(template: Template, fn: LambdaFunction): { Properties: Record<string, unknown> } {
  const resources = template.findResources('AWS::Lambda::Function') as Record<
    string,
    { Properties: Record<string, unknown> }
  >;
  const resource = resources[logicalId(fn)];
  if (resource === undefined) throw new Error(`no function ${fn.node.path}`);
  return resource;
}

/** The environment variables of `fn` as synthesized. */
const environmentOf = (template: Template, fn: LambdaFunction): Record<string, unknown> =>
  (functionResource(template, fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

interface ValidationReport {
  readonly pluginReports: readonly { readonly pluginName?: string; readonly violations?: readonly unknown[] }[];
}

/** The validation report CDK writes next to the templates (every plugin's unacknowledged findings). */
const validationReport = (assembly: CloudAssembly): ValidationReport =>
  JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;

/** Every acknowledgement recorded in the app: the rule id and its reason. */
function acknowledgements(app: App): { id: string; reason: unknown; path: string }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          id,
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

export {
  synthesize,
  removeAssembly,
  logicalId,
  fromData,
  statementsOf,
  actionsOf,
  resourcesFor,
  functionResource,
  environmentOf,
  validationReport,
  acknowledgements,
};
export type { Synthesized, Statement };
