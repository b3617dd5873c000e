/**
 * What the use-cases need: the store port, the policy, a clock, and for creation an id source. One set per
 * process, built by the function entry from the configuration.
 */
import { ulid } from 'ulid';
import type { Deps } from './apply';

interface ServiceDeps extends Deps {
  /** New account ids; ULIDs by default. */
  readonly newId?: () => string;
  /** How long a login event's `eventId` is remembered per caller. */
  readonly loginEventTtlSeconds: number;
}

/** The clock of `deps`: its own, or the real time. */
function nowOf(deps: Pick<Deps, 'clock'>): Date {
  return deps.clock?.() ?? new Date();
}

/** A new account id from `deps`: its own source, or a ULID. */
function newIdOf(deps: Pick<ServiceDeps, 'newId'>): string {
  return deps.newId?.() ?? ulid();
}

export { newIdOf, nowOf };
export type { ServiceDeps };
