import { describe, expect, it } from 'vitest';
import type { Problem } from '../../console/src/api/client';
import { explain } from '../../console/src/app/ProblemNotice';
import { MODEL } from './fixtures';

const problem = (status: number, extra: Partial<Problem> = {}): Problem => ({
  type: 'about:blank',
  title: 'Title',
  status,
  detail: 'the detail',
  ...extra,
});

describe('explain', () => {
  it('says a stale If-Match means someone else changed the account and nothing was changed', () => {
    expect(explain(MODEL, problem(412))).toMatch(/^Someone else changed this account .* nothing was changed/);
  });

  it('lists what is allowed instead, by label, for a refused transition', () => {
    expect(explain(MODEL, problem(409, { allowed: ['active', 'deleted'] }))).toMatch(/Allowed now: Active, Deleted\./);
    expect(explain(MODEL, problem(409, { allowed: [] }))).toMatch(/while an operation is in progress/);
  });

  it('says a lost race changed nothing and shows the current state', () => {
    expect(explain(MODEL, problem(409, { detail: 'The account changed meanwhile.' }))).toMatch(
      /^The account changed meanwhile\. Nothing was changed/,
    );
  });

  it('names the offending fields of a 400, and a missing scope of a 403', () => {
    const invalid = explain(MODEL, problem(400, { errors: [{ path: '/leaveDate', message: 'too far ahead' }] }));
    expect(invalid).toBe('the detail: /leaveDate too far ahead');
    expect(explain(MODEL, problem(403, { detail: 'needs accounts:admin' }))).toBe(
      'You are not allowed to do this: needs accounts:admin',
    );
  });
});
