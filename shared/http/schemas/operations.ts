/**
 * What the OpenAPI document says of each operation: a summary, a description and a tag (by operationId).
 * The document builder refuses a route without an entry here, so a new route cannot go undocumented.
 */

const Tag = {
  ACCOUNTS: 'Accounts',
  DOMAINS: 'Domains',
  SWEEPS: 'Sweeps',
  PLATFORM: 'Mail platform',
  DOCUMENTS: 'Documents',
} as const;
type Tag = (typeof Tag)[keyof typeof Tag];

const TAGS: readonly { name: Tag; description: string }[] = [
  { name: Tag.ACCOUNTS, description: 'Create, find, change and delete mailbox accounts; their history.' },
  { name: Tag.DOMAINS, description: "The caller's domains and each domain's counts." },
  { name: Tag.SWEEPS, description: 'What the scheduled sweeps would change.' },
  { name: Tag.PLATFORM, description: "The mail platform's MTA and login service: access decisions and login events." },
  { name: Tag.DOCUMENTS, description: 'Public, machine-readable documents (no token).' },
];

interface OperationDoc {
  readonly summary: string;
  readonly description: string;
  readonly tag: Tag;
}

const doc = (tag: Tag, summary: string, description: string): OperationDoc => ({ tag, summary, description });

const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  createAccount: doc(
    Tag.ACCOUNTS,
    'Create an account',
    'Creates an account in a domain the caller administers. By default it is provisioned to active through the mail platform (202, in progress); `activate: false` leaves it resting in pending (201). The address is trimmed, NFC-normalized and lower-cased; an address already taken is 409.',
  ),
  listAccounts: doc(
    Tag.ACCOUNTS,
    "List or find a domain's accounts",
    "One domain's accounts by address, filtered by status, leaver mark and in-progress. With `q`, only those whose address (its local part or the whole of it) or a word of whose display name starts with `q`, case- and accent-insensitive: address matches first, by address, then name matches. A page may be short; `nextCursor` is null at the end and a cursor only continues the query that made it.",
  ),
  getAccount: doc(Tag.ACCOUNTS, 'Get an account', 'The whole account resource, with its version as `ETag`.'),
  renameAccount: doc(
    Tag.ACCOUNTS,
    'Rename an account',
    'Sets (or with null clears) the display name; honours `If-Match`.',
  ),
  setStatus: doc(
    Tag.ACCOUNTS,
    "Set an account's status",
    'Moves the account to a target status (SPEC §2): 200 when the change is done, 202 when it goes through an in-progress status and the mail platform. A target not allowed now is 409 with `allowed`. Honours `If-Match` and `Idempotency-Key`.',
  ),
  bulkSetStatus: doc(
    Tag.ACCOUNTS,
    'Set the status of many accounts',
    'Applies one target to up to 100 accounts, each on its own; each result says changed, accepted, unchanged, refused (with the problem) or not_found.',
  ),
  markLeaver: doc(
    Tag.ACCOUNTS,
    'Mark a leaver',
    'Records the leave date (default today, UTC); the leaver sweep deletes the account when the window after it ends. The status does not change.',
  ),
  unmarkLeaver: doc(Tag.ACCOUNTS, 'Cancel the leaver mark', 'Removes the leaver mark; the account stays as it is.'),
  deleteAccount: doc(
    Tag.ACCOUNTS,
    'Delete an account',
    'Soft delete via deleting (202); restorable until `purgeAfter`. An account already deleted is left alone (200).',
  ),
  retryOperation: doc(
    Tag.ACCOUNTS,
    'Retry an operation now',
    "Drives the account's outstanding operation again at once, with a fresh round of attempts.",
  ),
  cancelOperation: doc(
    Tag.ACCOUNTS,
    'Cancel an operation',
    'Gives up the outstanding operation and returns the account to the status before it; the runbook says how to reconcile the mail platform.',
  ),
  listHistory: doc(
    Tag.ACCOUNTS,
    "An account's history",
    'Every recorded change of the account, newest first, page by page.',
  ),
  listDomains: doc(
    Tag.DOMAINS,
    "The caller's domains",
    'The domains the caller administers, each with its number of accounts; for a `*` caller, every domain that has accounts. Each count is exact and reads a few items, never the accounts.',
  ),
  getDomainSummary: doc(
    Tag.DOMAINS,
    "A domain's summary",
    "The domain's accounts counted by status, plus leavers, accounts in progress and stuck ones, exact at the moment of reading: kept in step with every change in the same transaction. Reads at most 20 items.",
  ),
  previewSweep: doc(
    Tag.SWEEPS,
    "Preview a sweep's changes",
    "The accounts the sweep would change if it ran at `until` (default now, at most a year ahead), each with when it became due and the status it would end in; reading it changes nothing. `domain` is required unless the caller administers every domain. Reads only the sweep's candidates.",
  ),
  reportLoginEvent: doc(
    Tag.PLATFORM,
    'Report a login event',
    'A login success, failure or lockout from the login service; a repeated `eventId` (per caller, 24 hours) counts once. Answers the access decision after the event.',
  ),
  checkAccess: doc(
    Tag.PLATFORM,
    'Check access',
    'Whether the owner of an address may log in and what the MTA does with mail to it: one read.',
  ),
  getStatusModel: doc(
    Tag.DOCUMENTS,
    'The status model',
    'The statuses, their login and mail policies, the transition table and the durations, machine-readable.',
  ),
  getOpenApi: doc(Tag.DOCUMENTS, 'This document', 'The OpenAPI 3.1 document of the API.'),
};

export { OPERATIONS, TAGS, Tag };
export type { OperationDoc };
