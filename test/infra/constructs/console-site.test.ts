/**
 * The console's hosting: a private bucket behind CloudFront with origin access control, HTTPS only,
 * security headers, the API's paths sent to the HTTP API uncached, config.json deployed, and cdk-nag
 * (AwsSolutions and Serverless) clean — synthesis throws on an unacknowledged finding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSite, apiPathPatterns } from '../../../infra/constructs/console-site';
import { ROUTES } from '../../../shared/http/routes';

let template: Template;
let assetDir: string;

beforeAll(() => {
  // Prepare: a stand-in build (the real one is built by Vite at synth when no assetPath is given).
  assetDir = mkdtempSync(join(tmpdir(), 'console-asset-'));
  writeFileSync(join(assetDir, 'index.html'), '<!doctype html><title>console</title>');
  const app = new App();
  const stack = new Stack(app, 'ConsoleTest');
  // The service's API has its stage, logs and throttles (infra/constructs/http-api.ts); this stand-in has none.
  const api = new HttpApi(stack, 'Api', { createDefaultStage: false });
  new ConsoleSite(stack, 'Console', {
    api,
    issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Example',
    clientId: 'console-client',
    signInOrigins: ['https://cognito-idp.eu-west-2.amazonaws.com', 'https://mail.auth.eu-west-2.amazoncognito.com'],
    assetPath: assetDir,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

  // Act: synthesis runs cdk-nag and throws on an unacknowledged finding.
  app.synth();
  template = Template.fromStack(stack);
});

afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

describe('ConsoleSite', () => {
  it('keeps the files in a private, encrypted, TLS-only bucket read by CloudFront through origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourcePropertiesCountIs('AWS::S3::Bucket', { WebsiteConfiguration: Match.anyValue() }, 0);
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Principal?: unknown }[] } } }).Properties.PolicyDocument
          .Statement,
    );
    expect(statements.some((s) => JSON.stringify(s.Principal) === '{"Service":"cloudfront.amazonaws.com"}')).toBe(true);
    expect(statements.some((s) => s.Principal === '*' && JSON.stringify(s).includes('"Allow"'))).toBe(false);
  });

  it('serves HTTPS only, with a strict CSP, HSTS and no framing', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as {
      Properties: { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> } };
    }[];
    const headers = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'none'; script-src 'self'; style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('https://mail.auth.eu-west-2.amazoncognito.com');
    expect(csp).not.toContain('unsafe-inline');
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
    });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
  });

  it('sends every API path to the HTTP API on the same origin, uncached, with every method', () => {
    // Prepare
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution')) as {
      Properties: { DistributionConfig: { CacheBehaviors: { PathPattern: string; AllowedMethods: string[] }[] } };
    }[];
    const behaviors = distribution!.Properties.DistributionConfig.CacheBehaviors;

    // Assess
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(apiPathPatterns().sort());
    for (const route of ROUTES) {
      const segment = route.path.split('/')[1];
      expect(behaviors.some((b) => b.PathPattern === `/${segment}` || b.PathPattern === `/${segment}/*`)).toBe(true);
    }
    expect(behaviors.every((b) => b.AllowedMethods.includes('DELETE') && b.AllowedMethods.includes('PATCH'))).toBe(
      true,
    );
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Authorization'] },
        }),
      }),
    });
  });

  it('deploys config.json naming the API (this origin), the issuer and the client id', () => {
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const text = JSON.stringify(deployments);
    expect(Object.keys(deployments)).toHaveLength(1);
    expect(text).toContain('DistributionId');
    // Source.jsonData's content is in the asset; its markers show the fields are set at deploy.
    expect(text).toMatch(/SourceObjectKeys/);
  });
});
