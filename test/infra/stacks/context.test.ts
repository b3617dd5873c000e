/**
 * The deployment context: what is required, what is checked at synth, and the app with only the required
 * settings (direct mail platform, no alert email). Synthesized once, without bundling (templates only).
 */
import { RootConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployContext } from '../../../infra/stacks/context';
import { ConfigError } from '../../../shared/config';
import { actionsOf, environmentOf, removeAssembly, synthesize, validationReport, type Synthesized } from '../template';

const REQUIRED = { jwtIssuer: 'https://login.example.org/', jwtAudience: 'mailbox-lifecycle' };

/** Reads `context` from a bare construct tree (an App would make an output directory per call). */
function read(context: Record<string, unknown>) {
  const root = new RootConstruct('');
  for (const [key, value] of Object.entries(context)) root.node.setContext(key, value);
  return readDeployContext(root.node);
}

describe('readDeployContext', () => {
  it('reads the required settings and leaves the optional ones unset', () => {
    const context = read(REQUIRED);

    expect(context).toEqual({
      jwtIssuer: REQUIRED.jwtIssuer,
      jwtAudience: ['mailbox-lifecycle'],
      alertEmail: undefined,
      mailPlatformUrl: undefined,
      functionConfig: {},
    });
  });

  it('treats empty strings as unset (cdk.json ships alertEmail "")', () => {
    expect(read({ ...REQUIRED, alertEmail: '', mailPlatformUrl: ' ' })).toMatchObject({
      alertEmail: undefined,
      mailPlatformUrl: undefined,
    });
  });

  it('splits several audiences', () => {
    expect(read({ ...REQUIRED, jwtAudience: 'a, b,,c' }).jwtAudience).toEqual(['a', 'b', 'c']);
  });

  it.each([
    [{ jwtAudience: 'x' }, /jwtIssuer is required/],
    [{ jwtIssuer: REQUIRED.jwtIssuer }, /jwtAudience is required/],
    [{ ...REQUIRED, jwtIssuer: 'http://login.example.org/' }, /jwtIssuer must be an https URL/],
    [{ ...REQUIRED, jwtIssuer: 'login' }, /jwtIssuer must be an https URL/],
    [{ ...REQUIRED, mailPlatformUrl: 'ftp://platform' }, /mailPlatformUrl must be an https URL/],
    [{ ...REQUIRED, alertEmail: 'oncall' }, /alertEmail must be an email address/],
    [{ ...REQUIRED, jwtAudience: 42 }, /jwtAudience must be a string/],
  ])('refuses %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  it('passes function settings through, from an object or a JSON string', () => {
    expect(read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 5, CLOCK: 'x' } }).functionConfig).toEqual({
      MAX_FAILED_LOGINS: '5',
      CLOCK: 'x',
    });
    expect(read({ ...REQUIRED, functionConfig: '{"LOCKOUT_SECONDS":"0"}' }).functionConfig).toEqual({
      LOCKOUT_SECONDS: '0',
    });
  });

  it.each([
    [{ TABLE_NAME: 'other' }, /TABLE_NAME is set by the stack/],
    [{ CLOCK_OVERRIDE: 'true' }, /CLOCK_OVERRIDE is set by the stack/],
    [{ 'bad-name': '1' }, /"bad-name" is not a variable name/],
    [{ MAX_FAILED_LOGINS: { nested: true } }, /must be a string, number or boolean/],
    ['not json', /must be a JSON object/],
    [['INACTIVITY_DAYS'], /must be an object/],
  ])('refuses function settings %j', (functionConfig, message) => {
    expect(() => read({ ...REQUIRED, functionConfig })).toThrow(message);
  });

  it('refuses a setting the functions would refuse, naming it', () => {
    expect(() => read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 'ten' } })).toThrow(ConfigError);
    expect(() => read({ ...REQUIRED, functionConfig: { MAX_FAILED_LOGINS: 'ten' } })).toThrow(/MAX_FAILED_LOGINS/);
  });
});

describe('the app with only the required context', () => {
  let app: Synthesized;

  beforeAll(() => {
    app = synthesize(REQUIRED, { bundle: false });
  });

  afterAll(() => removeAssembly(app));

  it('passes cdk-nag with nothing left unacknowledged', () => {
    expect(validationReport(app.assembly).pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('uses the direct mail platform: no secret, no webhook URL', () => {
    app.serviceTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const fn of [app.service.worker.worker, app.service.worker.retry]) {
      const environment = environmentOf(app.serviceTemplate, fn);

      expect(environment.MAIL_PLATFORM).toBe('direct');
      expect(environment).not.toHaveProperty('MAIL_PLATFORM_URL');
      expect(environment).not.toHaveProperty('MAIL_PLATFORM_SECRET_ARN');
      expect(actionsOf(app.serviceTemplate, fn, 'secretsmanager')).toEqual([]);
    }
    expect(app.service.platformSecret).toBeUndefined();
  });

  it('subscribes nobody to the alert topic, which still exists for alerts and alarms', () => {
    app.serviceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    app.serviceTemplate.resourceCountIs('AWS::SNS::Topic', 1);
    app.serviceTemplate.resourceCountIs('AWS::SQS::Queue', 5);
  });

  it('has no MailPlatformSecretArn output', () => {
    expect(Object.keys(app.serviceTemplate.findOutputs('*')).sort()).toEqual([
      'AlertTopicArn',
      'ApiUrl',
      'ConsoleUrl',
      'EventBusName',
      'TableName',
    ]);
  });
});
