/**
 * For each account sweep, accounts that are due at the scenario's `now` and accounts that are not (the
 * same kind not yet due, and other statuses), built through the real rules.
 */
import type { Account } from '../../../shared/domain/account';
import type { AccountSweep } from '../../../shared/domain/due';
import type { Status } from '../../../shared/domain/statuses';
import { ADMIN, DAY, HOUR, at, utcDate, type World } from './world';

interface Scenario {
  /** The run's fixed now. */
  readonly now: Date;
  readonly due: readonly Account[];
  readonly notDue: readonly Account[];
  /** Where the due accounts end up. */
  readonly after: Status;
}

/** Runs `make` `n` times, a few at once. */
async function times(n: number, make: (i: number) => Promise<Account>): Promise<Account[]> {
  const made: Account[] = [];
  for (let i = 0; i < n; i += 10) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => make(i + j)))));
  }
  return made;
}

const NOW_OFFSET = 31 * DAY + HOUR;

/** Locked by an administrator (never expires): in no sweep's index. */
async function adminLocked(w: World, when: Date): Promise<Account> {
  const a = await w.active(when);
  await w.act(a.accountId, { kind: 'set_status', target: 'locked', reason: 'test', caller: ADMIN }, when);
  return w.get(a.accountId);
}

const SCENARIOS: Record<AccountSweep, (w: World, dueCount: number, notDueCount: number) => Promise<Scenario>> = {
  async inactivity(w, dueCount, notDueCount) {
    const now = at(w.t0, NOW_OFFSET);
    const due = await times(dueCount, () => w.active(w.t0));
    const notDue = await times(notDueCount, async (i) => {
      if (i % 3 === 0) return w.active(at(w.t0, 5 * DAY)); // due at t0 + 35 days
      if (i % 3 === 1) return adminLocked(w, w.t0);
      const a = await w.active(w.t0);
      await w.act(a.accountId, { kind: 'login', outcome: 'success', requestId: null }, at(w.t0, 10 * DAY), 'system');
      return w.get(a.accountId); // active since t0, last activity t0 + 10 days: due at t0 + 40 days
    });
    return { now, due, notDue, after: 'inactive' };
  },

  async lockout(w, dueCount, notDueCount) {
    const now = at(w.t0, NOW_OFFSET);
    const lockedOut = async (when: Date): Promise<Account> => {
      const a = await w.active(w.t0);
      await w.act(a.accountId, { kind: 'login', outcome: 'lockout', requestId: null }, when, 'system');
      return w.get(a.accountId);
    };
    const due = await times(dueCount, () => lockedOut(at(now, -2 * HOUR))); // until now - 1 h
    const notDue = await times(notDueCount, (i) =>
      i % 2 === 0 ? lockedOut(at(now, -30 * 60_000)) : adminLocked(w, w.t0),
    );
    return { now, due, notDue, after: 'active' };
  },

  async leaver(w, dueCount, notDueCount) {
    const now = at(w.t0, NOW_OFFSET);
    const leaver = async (leaveDate: Date): Promise<Account> => {
      const a = await w.active(w.t0);
      await w.act(
        a.accountId,
        { kind: 'mark_leaver', leaveDate: utcDate(leaveDate), reason: null, caller: ADMIN },
        w.t0,
      );
      return w.get(a.accountId);
    };
    const due = await times(dueCount, () => leaver(w.t0)); // window ends by t0 + 30 days
    const notDue = await times(notDueCount, (i) => (i % 2 === 0 ? leaver(at(w.t0, 5 * DAY)) : w.active(w.t0)));
    return { now, due, notDue, after: 'deleting' };
  },

  async retention(w, dueCount, notDueCount) {
    const now = at(w.t0, NOW_OFFSET);
    const deleted = async (when: Date): Promise<Account> => {
      const a = await w.active(when);
      await w.act(a.accountId, { kind: 'delete', reason: null, caller: ADMIN }, when);
      return w.complete(a.accountId, when);
    };
    const due = await times(dueCount, () => deleted(w.t0)); // purgeAfter t0 + 30 days
    const notDue = await times(notDueCount, (i) => (i % 2 === 0 ? deleted(at(w.t0, 5 * DAY)) : adminLocked(w, w.t0)));
    return { now, due, notDue, after: 'deleting' };
  },
};

export { SCENARIOS, times };
export type { Scenario };
