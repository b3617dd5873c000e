/**
 * Fixtures for the console's component and unit tests: the service's real status model (built by the same
 * code as GET /status-model), accounts in the API's shape, and tokens with chosen claims.
 */
import type { Account } from '../../console/src/api/client';
import type { StatusModel } from '../../console/src/model';
import { sessionFromToken } from '../../console/src/auth/session';
import type { Session } from '../../console/src/auth/session';
import { DEFAULT_POLICY } from '../../shared/domain/policy';
import { statusModel } from '../../shared/http/status-model';

const MODEL = JSON.parse(JSON.stringify(statusModel(DEFAULT_POLICY))) as StatusModel;

function account(overrides: Partial<Account> = {}): Account {
  const now = new Date().toISOString();
  return {
    accountId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    email: 'ann@example.org',
    domain: 'example.org',
    displayName: 'Ann Example',
    status: 'active',
    statusLabel: 'Active',
    statusSince: now,
    statusReason: null,
    updatedBy: 'admin',
    updatedAt: now,
    version: 3,
    inProgress: null,
    leaver: null,
    lock: null,
    lastActivityAt: null,
    deletedAt: null,
    purgeAfter: null,
    access: { login: 'allow', mail: 'deliver' },
    createdAt: now,
    ...overrides,
  };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token with these claims (the console reads claims; the API verifies signatures). */
function token(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'RS256' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.sig`;
}

function session(scope: string, domains: unknown = '*'): Session {
  return sessionFromToken(token({ sub: 'alice', scope, domains }));
}

export { MODEL, account, token, session };
