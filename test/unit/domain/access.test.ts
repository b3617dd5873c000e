/**
 * The access decision (SPEC §1): each status's login and mail policy; an expired failed_logins lock
 * counts as its previous status at once.
 */
import { describe, expect, it } from 'vitest';
import type { Lock } from '../../../shared/domain/account';
import { accessDecision, effectiveStatus } from '../../../shared/domain/access';
import { lockExpired } from '../../../shared/domain/due';
import type { Status } from '../../../shared/domain/statuses';
import { NOW, iso } from './fixtures';

/** SPEC §1's table: login and mail per status. */
const SPEC: Record<Status, { login: string; mail: string }> = {
  pending: { login: 'deny', mail: 'reject' },
  active: { login: 'allow', mail: 'deliver' },
  inactive: { login: 'allow', mail: 'deliver' },
  locked: { login: 'deny', mail: 'deliver' },
  maintenance: { login: 'deny', mail: 'queue' },
  disabled: { login: 'deny', mail: 'deliver' },
  closed: { login: 'deny', mail: 'reject' },
  deleted: { login: 'deny', mail: 'reject' },
  deleted_permanent: { login: 'deny', mail: 'reject' },
  enabling: { login: 'deny', mail: 'deliver' },
  disabling: { login: 'deny', mail: 'deliver' },
  deleting: { login: 'deny', mail: 'reject' },
  restoring: { login: 'deny', mail: 'reject' },
  migration_pending: { login: 'allow', mail: 'queue' },
};

const lockout = (until: string | null, previousStatus: Status = 'active'): Lock => ({
  reason: 'failed_logins',
  until,
  previousStatus,
});

describe('accessDecision', () => {
  it.each(Object.entries(SPEC) as [Status, { login: string; mail: string }][])('%s: %o', (status, expected) => {
    expect(accessDecision(status, null, NOW)).toEqual(expected);
  });

  it('denies login while a lockout runs', () => {
    expect(accessDecision('locked', lockout(iso(1)), NOW)).toEqual({ login: 'deny', mail: 'deliver' });
  });

  it('answers as the previous status once a lockout has expired, before any sweep', () => {
    expect(accessDecision('locked', lockout(NOW.toISOString(), 'inactive'), NOW)).toEqual({
      login: 'allow',
      mail: 'deliver',
    });
  });

  it('never lets an admin lock expire', () => {
    expect(accessDecision('locked', { reason: 'admin', until: iso(-1), previousStatus: 'active' }, NOW).login).toBe(
      'deny',
    );
  });
});

describe('effectiveStatus', () => {
  it('is the stored status except for an expired lockout', () => {
    expect(effectiveStatus('locked', lockout(iso(-1), 'inactive'), NOW)).toBe('inactive');
    expect(effectiveStatus('locked', lockout(iso(1)), NOW)).toBe('locked');
    expect(effectiveStatus('locked', lockout(null), NOW)).toBe('locked');
    expect(effectiveStatus('disabled', null, NOW)).toBe('disabled');
  });
});

describe('lockExpired', () => {
  it('holds for a failed_logins lock at or after until only', () => {
    expect(lockExpired(lockout(NOW.toISOString()), NOW)).toBe(true);
    expect(lockExpired(lockout(iso(1)), NOW)).toBe(false);
    expect(lockExpired(lockout(null), NOW)).toBe(false);
    expect(lockExpired({ reason: 'admin', until: iso(-1), previousStatus: 'active' }, NOW)).toBe(false);
    expect(lockExpired(null, NOW)).toBe(false);
  });
});
