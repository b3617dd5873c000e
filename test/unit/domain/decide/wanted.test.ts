/**
 * SPEC §10: where an identity provider wants an account. Resting, the wish goes through SPEC §2's
 * transitions; in progress it is kept as `wanted` (never refused for being early) and applied when the
 * operation completes or is cancelled.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../../shared/domain/account';
import { decide } from '../../../../shared/domain/decide';
import type { Caller } from '../../../../shared/domain/requests';
import type { Status } from '../../../../shared/domain/statuses';
import { wantedRequest, wantedStatus } from '../../../../shared/domain/wanted';
import { NOW, POLICY, asChanged, asQuiet, inProgressIn, restingIn } from '../fixtures';

const IDP: Caller = { sub: 'okta-connection', scopes: ['scim:provision'], requestId: 'req-idp' };

const wish = (account: Account, status: 'active' | 'disabled' | 'deleted') =>
  decide(account, { kind: 'want', status, caller: IDP }, NOW, POLICY);

const provisioning = () => inProgressIn('pending', 'provision', 'pending', 'active');

describe('a wish on a resting account', () => {
  it.each<[Status, 'active' | 'disabled' | 'deleted', Status, string]>([
    ['active', 'disabled', 'disabling', 'disable'],
    ['inactive', 'disabled', 'disabling', 'disable'],
    ['locked', 'disabled', 'disabling', 'disable'],
    ['disabled', 'active', 'enabling', 'enable'],
    ['pending', 'active', 'pending', 'provision'],
    ['deleted', 'active', 'restoring', 'restore'],
    ['active', 'deleted', 'deleting', 'delete'],
    ['disabled', 'deleted', 'deleting', 'delete'],
  ])('%s wanted %s goes through %s (%s), as the identity provider', (from, status, via, action) => {
    // Prepare
    const account = restingIn(from);

    // Act
    const decision = asChanged(wish(account, status));

    // Assess
    expect(decision.account.status).toBe(via);
    expect(decision.account.inProgress?.operation).toBe(action);
    expect(decision.underway).toBe(true);
    expect(decision.entry).toMatchObject({ action, actor: IDP.sub, requestId: IDP.requestId, from });
  });

  it('closed wanted active is a direct change to active', () => {
    const decision = asChanged(wish(restingIn('closed'), 'active'));

    expect(decision.account.status).toBe('active');
    expect(decision.underway).toBe(false);
  });

  it.each<[Status, 'active' | 'disabled' | 'deleted']>([
    ['active', 'active'],
    ['locked', 'active'],
    ['maintenance', 'active'],
    ['disabled', 'disabled'],
    ['pending', 'disabled'],
    ['closed', 'disabled'],
    ['deleted', 'deleted'],
    ['deleted_permanent', 'active'],
    ['deleted_permanent', 'deleted'],
  ])('%s wanted %s changes nothing', (from, status) => {
    expect(wish(restingIn(from), status)).toMatchObject({ outcome: 'unchanged', underway: false });
  });
});

describe('a wish while an operation is in progress', () => {
  it('is kept as wanted, with a history entry, instead of being refused', () => {
    // Prepare
    const account = provisioning();

    // Act
    const decision = asChanged(wish(account, 'disabled'));

    // Assess
    expect(decision.account.wanted).toEqual({
      status: 'disabled',
      actor: IDP.sub,
      requestId: IDP.requestId,
      at: NOW.toISOString(),
    });
    expect(decision.account.status).toBe('pending');
    expect(decision.account.inProgress).toEqual(account.inProgress);
    expect(decision.account.version).toBe(account.version + 1);
    expect(decision.entry).toMatchObject({ action: 'want', actor: IDP.sub, from: 'pending', to: 'pending' });
    expect(wantedStatus(decision.account)).toBe('disabled');
  });

  it('that the operation already reaches changes nothing (202)', () => {
    expect(wish(provisioning(), 'active')).toMatchObject({ outcome: 'unchanged', underway: true });
  });

  it('asked again changes nothing', () => {
    const kept = asChanged(wish(provisioning(), 'disabled')).account;

    expect(wish(kept, 'disabled')).toMatchObject({ outcome: 'unchanged', underway: true });
  });

  it('back to where the operation goes clears the kept wish', () => {
    // Prepare
    const kept = asChanged(wish(provisioning(), 'disabled')).account;

    // Act
    const decision = asChanged(wish(kept, 'active'));

    // Assess
    expect(decision.account.wanted).toBeNull();
    expect(wantedStatus(decision.account)).toBe('active');
  });

  it('is not applied while the account is still in progress', () => {
    const kept = asChanged(wish(provisioning(), 'disabled')).account;

    expect(wantedRequest(kept)).toBeNull();
  });
});

describe('a kept wish once the operation ends', () => {
  it('is applied as the one who asked when the operation completes', () => {
    // Prepare
    const kept = asChanged(wish(provisioning(), 'disabled')).account;
    const completed = asChanged(
      decide(kept, { kind: 'operation_completed', operationId: 'op-1', requestId: null }, NOW, POLICY),
    ).account;

    // Act
    const request = wantedRequest(completed);
    const decision = asChanged(decide(completed, request!, NOW, POLICY));

    // Assess
    expect(completed.status).toBe('active');
    expect(request).toEqual({
      kind: 'want',
      status: 'disabled',
      caller: { sub: IDP.sub, scopes: [], requestId: IDP.requestId },
    });
    expect(decision.account.status).toBe('disabling');
    expect(decision.account.wanted).toBeNull();
    expect(decision.entry).toMatchObject({ action: 'disable', actor: IDP.sub, from: 'active', to: 'disabling' });
  });

  it('is applied after a cancel too', () => {
    // Prepare
    const kept = asChanged(wish(inProgressIn('disabling', 'disable', 'active', 'disabled'), 'deleted')).account;
    const cancelled = asChanged(
      decide(
        kept,
        { kind: 'cancel', reason: null, caller: { sub: 'ops', scopes: ['accounts:admin'], requestId: null } },
        NOW,
        POLICY,
      ),
    ).account;

    // Act
    const decision = asChanged(decide(cancelled, wantedRequest(cancelled)!, NOW, POLICY));

    // Assess
    expect(cancelled.status).toBe('active');
    expect(decision.account.status).toBe('deleting');
    expect(decision.entry.actor).toBe(IDP.sub);
  });

  it('already reached is dropped quietly', () => {
    // Prepare: the account ended where the wish wanted it.
    const rested = restingIn('disabled', {
      wanted: { status: 'disabled', actor: IDP.sub, requestId: null, at: NOW.toISOString() },
    });

    // Act
    const decision = asQuiet(decide(rested, wantedRequest(rested)!, NOW, POLICY));

    // Assess
    expect(decision.account.wanted).toBeNull();
    expect(decision.account.version).toBe(rested.version);
  });
});

describe('a profile from the identity provider', () => {
  it('changes externalId and name with a history entry', () => {
    const decision = asChanged(
      decide(
        restingIn('active'),
        {
          kind: 'update_profile',
          externalId: 'ext-1',
          name: { givenName: 'Jo', familyName: 'B', formatted: null },
          caller: IDP,
        },
        NOW,
        POLICY,
      ),
    );

    expect(decision.account.externalId).toBe('ext-1');
    expect(decision.account.name).toEqual({ givenName: 'Jo', familyName: 'B', formatted: null });
    expect(decision.entry).toMatchObject({ action: 'update_profile', actor: IDP.sub, from: 'active', to: 'active' });
  });

  it('that is the same changes nothing', () => {
    const account = restingIn('active', { externalId: 'ext-1' });

    expect(decide(account, { kind: 'update_profile', externalId: 'ext-1', caller: IDP }, NOW, POLICY)).toMatchObject({
      outcome: 'unchanged',
      underway: false,
    });
  });
});
