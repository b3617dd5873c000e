/**
 * POST /accounts: a new account rests in pending, or starts provisioning to active at once.
 */
import { describe, expect, it } from 'vitest';
import { decide, newAccount, type NewAccountInput } from '../../../../shared/domain/decide';
import { ACCOUNT_ID, NOW, POLICY, WRITER } from '../fixtures';

const input = (activate: boolean): NewAccountInput => ({
  accountId: ACCOUNT_ID,
  email: 'new.starter@example.org',
  displayName: 'New Starter',
  activate,
  caller: WRITER,
});

describe('newAccount', () => {
  it('rests in pending at version 1 without activation', () => {
    const { account, entry, underway } = newAccount(input(false), NOW, POLICY);

    expect(underway).toBe(false);
    expect(account).toEqual({
      accountId: ACCOUNT_ID,
      email: 'new.starter@example.org',
      domain: 'example.org',
      displayName: 'New Starter',
      status: 'pending',
      statusSince: NOW.toISOString(),
      statusReason: null,
      updatedBy: WRITER.sub,
      updatedAt: NOW.toISOString(),
      revision: 1,
      version: 1,
      inProgress: null,
      leaver: null,
      lock: null,
      lastActivityAt: null,
      deletedAt: null,
      purgeAfter: null,
      createdAt: NOW.toISOString(),
      failedLogins: null,
      stuckAlert: null,
    });
    expect(entry).toEqual({
      at: NOW.toISOString(),
      from: null,
      to: 'pending',
      action: 'create',
      actor: WRITER.sub,
      reason: null,
      requestId: WRITER.requestId,
    });
  });

  it('starts provisioning towards active with activation (202), in the same single entry', () => {
    const { account, entry, underway } = newAccount(input(true), NOW, POLICY);

    expect(underway).toBe(true);
    expect(account).toMatchObject({ status: 'pending', version: 1 });
    expect(account.inProgress).toEqual({
      operationId: `${ACCOUNT_ID}.1`,
      operation: 'provision',
      target: 'active',
      from: 'pending',
      startedAt: NOW.toISOString(),
      attempts: 0,
      lastError: null,
      round: 1,
    });
    expect(entry).toMatchObject({ from: null, to: 'pending', action: 'create' });
  });

  it('gives the next operation a different id', () => {
    const { account } = newAccount(input(true), NOW, POLICY);
    const completed = decide(
      account,
      { kind: 'operation_completed', operationId: `${ACCOUNT_ID}.1`, requestId: null },
      NOW,
      POLICY,
    );
    if (completed.outcome !== 'changed') throw new Error('provisioning did not complete');

    const disabled = decide(
      completed.account,
      { kind: 'set_status', target: 'disabled', reason: null, caller: WRITER },
      NOW,
      POLICY,
    );

    expect(disabled.outcome === 'changed' && disabled.account.inProgress?.operationId).toBe(`${ACCOUNT_ID}.3`);
  });
});
