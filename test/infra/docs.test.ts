/**
 * docs/deploy.md is a recipe a person follows from an empty account: every command, context key, output,
 * group, attribute, scope, alarm and figure it names is checked here against the code, on one synthesized
 * app (the stack's own user pool and the webhook platform, so every output exists; templates only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RootConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_QUOTA, PLATFORM_THROTTLE, THROTTLE, routeThrottle } from '../../infra/constructs/http-api';
import { REPO_ROOT } from '../../infra/constructs/lambda-function';
import { RETRY_MAX_CONCURRENCY } from '../../infra/constructs/operation-worker';
import { ROLLOUT } from '../../infra/constructs/rollout';
import {
  CONTEXT_KEYS,
  DEFAULT_ACCESS_RESERVED_CONCURRENCY,
  DEFAULT_STAGE,
  readDeployContext,
} from '../../infra/stacks/context';
import { stackName } from '../../infra/stacks/mailbox-lifecycle';
import { THRESHOLDS } from '../../infra/stacks/service-stack';
import {
  ADMIN_GROUPS,
  DOMAINS_ATTRIBUTE,
  PLATFORM_SCOPES,
  RESOURCE_SERVER,
  SCIM_CONNECTION_NAME,
  scimConnectionScope,
} from '../../shared/auth/token-claims';
import { AWS_TIMEOUTS, DYNAMODB_TIMEOUTS, MAX_ATTEMPTS } from '../../shared/aws/clients';
import { GROUP_THRESHOLD } from '../../shared/alerts/grouped';
import { Scope } from '../../shared/domain/transitions';
import { ROUTES } from '../../shared/http/routes';
import { SCHEDULES } from '../../shared/schedules';
import { BATCH_CONCURRENCY } from '../../shared/worker/batch';
import { removeAssembly, synthesize, type Synthesized } from './template';

const DOC = readFileSync(join(REPO_ROOT, 'docs/deploy.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The CDK CLI commands the recipe may use. */
const CDK_COMMANDS = new Set(['bootstrap', 'synth', 'deploy', 'diff', 'destroy', 'ls']);

/** Every shell command line of the doc's code blocks (continuations joined). */
const commandLines = (): string[] =>
  [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );

/** The rows of the markdown table whose header starts with `| first |`: each row's first cell, unquoted. */
function tableKeys(first: string): string[] {
  const table = DOC.split(`| ${first} |`)[1];
  if (table === undefined) throw new Error(`no table "${first}" in docs/deploy.md`);
  const rows = table.split('\n\n')[0]?.split('\n').slice(2) ?? [];
  return rows.map((row) => row.split('|')[1]?.trim().replace(/`/g, '') ?? '');
}

const thousands = (n: number): string => n.toLocaleString('en-US');

let app: Synthesized;

beforeAll(() => {
  app = synthesize(
    { alertEmail: 'oncall@acme-mail.net', mailPlatformUrl: 'https://platform.acme-mail.net/hook' },
    { bundle: false },
  );
});

afterAll(() => removeAssembly(app));

describe('docs/deploy.md', () => {
  it('uses only npm scripts that exist and CDK commands that the recipe means', () => {
    const lines = commandLines();

    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g))
        expect(PACKAGE.scripts, line).toHaveProperty(script!);
      for (const [, command] of line.matchAll(/npx cdk (\w+)/g)) expect(CDK_COMMANDS.has(command!), line).toBe(true);
    }
    expect(lines.some((l) => l.startsWith('npx cdk bootstrap'))).toBe(true);
    expect(lines.some((l) => l.startsWith('npx cdk deploy'))).toBe(true);
  });

  it('names every context key the app reads, and only those, in its table and its commands', () => {
    const documented = tableKeys('context');
    const given = [...DOC.matchAll(/-c (\w+)=/g)].map((m) => m[1]!);

    expect(documented.toSorted()).toEqual([...CONTEXT_KEYS].toSorted());
    for (const key of given) expect(CONTEXT_KEYS, key).toContain(key);
  });

  it('gives commands whose context the app accepts once the placeholders are filled in', () => {
    const deploys = commandLines().filter((l) => /npx cdk (deploy|synth)/.test(l));

    for (const line of deploys) {
      const context = Object.fromEntries(
        [...line.matchAll(/-c (\w+)=(\S+)/g)].map(([, key, value]) => [
          key!,
          // A placeholder is what the reader fills in: as given, the app must refuse it.
          value!,
        ]),
      );
      expect(() => readDeployContext(rootWith(context)), line).toThrow(/placeholder/);
      const filled = Object.fromEntries(
        Object.entries(context).map(([key, value]) => [key, value.startsWith('<') ? realValue(key) : value]),
      );
      expect(() => readDeployContext(rootWith(filled)), line).not.toThrow();
    }
  });

  it('lists every output the stack has', () => {
    const outputs = Object.keys(app.serviceTemplate.findOutputs('*'));

    expect(tableKeys('output').toSorted()).toEqual(outputs.toSorted());
    expect(DOC).toContain(`--stack-name ${stackName(DEFAULT_STAGE)}`);
  });

  it('names the Cognito groups, the domains attribute, the resource server and the scopes as the code does', () => {
    const groups = [...DOC.matchAll(/--group-name ([\w-]+)/g)].map((m) => m[1]);
    const attributes = [...DOC.matchAll(/Name=custom:(\w+)/g)].map((m) => m[1]);
    const requested = [...DOC.matchAll(/mailbox-lifecycle\/([\w:-]+)/g)].map((m) => m[1]!);
    const marker = scimConnectionScope('');
    const isScopeOfTheServer = (scope: string): boolean =>
      (PLATFORM_SCOPES as readonly string[]).includes(scope) ||
      scope === Scope.SCIM ||
      (scope.startsWith(marker) && SCIM_CONNECTION_NAME.test(scope.slice(marker.length)));

    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(Object.keys(ADMIN_GROUPS)).toContain(group);
    expect(DOC).toMatch(new RegExp(`group \`accounts-admin\` gets \`${ADMIN_GROUPS['accounts-admin']}\``));
    expect(attributes).toEqual(attributes.map(() => DOMAINS_ATTRIBUTE));
    expect(DOC).toContain(`\`custom:${DOMAINS_ATTRIBUTE}\``);
    expect(DOC).toContain(`resource server \`${RESOURCE_SERVER}\``);
    expect(requested).toContain(Scope.SCIM);
    for (const scope of requested) expect(isScopeOfTheServer(scope), scope).toBe(true);
    for (const scope of Object.values(Scope)) expect(DOC).toContain(`\`${scope}\``);
  });

  it('names every alarm the stack has, by its construct id', () => {
    const alarmIds = [...app.service.alarms.keys()];
    const named = (id: string): boolean => {
      if (DOC.includes(`\`${id}\``)) return true;
      const sweep = /^(\w+?)Sweep(\w+Alarm)$/.exec(id);
      if (sweep !== null) return DOC.includes(`\`<Sweep>Sweep${sweep[2]}\``);
      const fn = /^(\w+?)(ErrorRateAlarm|ThrottleRateAlarm)$/.exec(id);
      return fn !== null && DOC.includes(`\`<Function>${fn[2]}\``) && DOC.includes(fn[1]!);
    };

    expect(alarmIds.length).toBeGreaterThan(20);
    for (const id of alarmIds) expect(named(id), id).toBe(true);
  });

  it('states the thresholds, limits and timeouts the code has', () => {
    const others = ROUTES.filter((r) => PLATFORM_THROTTLE[r.function] === undefined);
    const total = ROUTES.reduce((sum, r) => sum + routeThrottle(r).rateLimit, 0);

    expect(DOC).toContain(
      `| \`GET /access\` | ${thousands(PLATFORM_THROTTLE.access!.rateLimit)} | ${thousands(PLATFORM_THROTTLE.access!.burstLimit)} |`,
    );
    expect(DOC).toContain(
      `| \`POST /login-events\` | ${thousands(PLATFORM_THROTTLE.loginEvents!.rateLimit)} | ${thousands(PLATFORM_THROTTLE.loginEvents!.burstLimit)} |`,
    );
    expect(DOC).toContain(
      `| each of the other ${others.length} routes (administrators, public documents) | ${THROTTLE.rateLimit} | ${THROTTLE.burstLimit} |`,
    );
    expect(DOC).toContain(`| **all routes together** | **${thousands(total)}** |`);
    expect(DOC).toContain(
      `at most ${thousands(ACCOUNT_QUOTA.rateLimit)} requests a second with a burst of ${thousands(ACCOUNT_QUOTA.burstLimit)}`,
    );
    expect(DOC).toContain(`${DEFAULT_ACCESS_RESERVED_CONCURRENCY} are reserved for it`);
    expect(DOC).toContain(`${BATCH_CONCURRENCY} records at a time`);
    expect(DOC).toContain(`at most ${RETRY_MAX_CONCURRENCY} functions at once`);
    expect(DOC).toContain(`connection timeout (${DYNAMODB_TIMEOUTS.connectionTimeout / 1000} s)`);
    expect(DOC).toContain(
      `request timeout (${DYNAMODB_TIMEOUTS.requestTimeout / 1000} s for DynamoDB, ${AWS_TIMEOUTS.requestTimeout / 1000} s`,
    );
    expect(DOC).toContain(`up to ${MAX_ATTEMPTS} attempts`);
    expect(DOC).toContain(`\`${ROLLOUT.deploymentConfigName}\``);
    expect(DOC).toContain(`more than ${GROUP_THRESHOLD} of a`);
    expect(DOC).toContain(`p99 is over ${THRESHOLDS.accessP99Ms} ms`);
    expect(DOC).toContain(`${THRESHOLDS.api5xxPercent} % or more of the API's answers`);
    expect(DOC).toContain(`${THRESHOLDS.access4xxPercent} % or more of \`GET /access\` answers`);
  });

  it("names the sweeps' functions as the stack does", () => {
    for (const { schedule, fn } of app.service.sweeps.functions) {
      const name = (
        app.serviceTemplate.findResources('AWS::Lambda::Function')[
          app.service.getLogicalId(fn.node.defaultChild as never)
        ] as {
          Properties: { FunctionName: string };
        }
      ).Properties.FunctionName;
      expect(name).toBe(`${stackName(DEFAULT_STAGE)}-${schedule.sweep}-sweep`);
    }
    expect(DOC).toContain('`MailboxLifecycle-<stage>-<sweep>-sweep`');
    for (const sweep of SCHEDULES.map((s) => s.sweep)) expect(DOC).toContain(`\`${sweep}\``);
    expect(DOC).toContain(`--function-name ${stackName(DEFAULT_STAGE)}-leaver-sweep`);
  });
});

/** A construct tree with `context` (an App would make an output directory per call). */
function rootWith(context: Record<string, string>): RootConstruct['node'] {
  const root = new RootConstruct('');
  for (const [key, value] of Object.entries(context)) root.node.setContext(key, value);
  return root.node;
}

/** A value the app accepts for a context key the doc leaves as a placeholder. */
function realValue(key: string): string {
  const values: Record<string, string> = {
    alertEmail: 'oncall@acme-mail.net',
    jwtIssuer: 'https://acme-mail.okta.com/oauth2/default',
    jwtAudience: 'api://mailbox-lifecycle',
    mailPlatformUrl: 'https://platform.acme-mail.net/hook',
    consoleUrl: 'https://console.acme-mail.net/',
    scimConnections: 'entra=acme-mail.net+acme-corp.net',
  };
  const value = values[key];
  if (value === undefined) throw new Error(`no real value for ${key}`);
  return value;
}
