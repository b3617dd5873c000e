/**
 * An API refusal explained as people understand it: what is allowed instead, that someone else changed
 * the account meanwhile (its new state is shown beside), or what was wrong with the input.
 */
import { ApiError } from '../api/client';
import type { Problem } from '../api/client';
import { label } from '../model';
import type { StatusModel } from '../model';

/**
 * The sentence that explains a problem.
 *
 * @example
 * explain(model, { status: 412, … }) // 'Someone else changed this account since you opened it…'
 */
function explain(model: StatusModel, problem: Problem): string {
  switch (problem.status) {
    case 0:
      return problem.detail;
    case 412:
      return 'Someone else changed this account since you opened it, so nothing was changed. Its current state is shown now: check it and try again.';
    case 409:
      if (problem.allowed !== undefined) {
        const allowed = problem.allowed.map((s) => label(model, s)).join(', ');
        return `This change is not allowed for the account now (${problem.detail}). ${
          allowed === '' ? 'No status can be set while an operation is in progress.' : `Allowed now: ${allowed}.`
        }`;
      }
      return `${problem.detail} Nothing was changed; the current state is shown now: check it and try again.`;
    case 403:
      return `You are not allowed to do this: ${problem.detail}`;
    case 404:
      return 'This account does not exist (any more), or is outside your domains.';
    case 400:
      return `${problem.detail}${problem.errors?.length ? `: ${problem.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` : ''}`;
    case 503:
      return 'The service is busy right now; nothing was changed. Try again in a moment.';
    default:
      return problem.detail || problem.title;
  }
}

function ProblemNotice({ error, model }: { error: unknown; model: StatusModel }) {
  if (error === null || error === undefined) return null;
  const text = error instanceof ApiError ? explain(model, error.problem) : String((error as Error).message ?? error);
  return (
    <p role="alert" className="problem">
      {text}
    </p>
  );
}

export { ProblemNotice, explain };
