import {
  IdempotencyAlreadyInProgressError,
  IdempotencyInconsistentStateError,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../../shared/idempotency/powertools';
import { IN_PROGRESS } from '../../../shared/idempotency/records';

describe('the Powertools half of idempotency', () => {
  it('names each Powertools refusal, and nothing else', () => {
    expect(refusalOf(new IdempotencyAlreadyInProgressError('running'))).toBe('in_progress');
    expect(refusalOf(new IdempotencyInconsistentStateError('changing'))).toBe('changing_state');
    expect(refusalOf(new IdempotencyValidationError('mismatch'))).toBe('other_body');
    expect(refusalOf(new Error('DynamoDB is down'))).toBeNull();
  });

  it('agrees with the records on the status of a key still running (the claim condition reads it)', () => {
    expect(IdempotencyRecordStatus.INPROGRESS).toBe(IN_PROGRESS);
  });
});
