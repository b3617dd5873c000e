/**
 * CSV of accounts (RFC 4180): every field quoted, quotes doubled, and a field a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or carriage return) prefixed with an apostrophe.
 */
import type { Account } from './api/client';

const COLUMNS = [
  ['accountId', (a: Account) => a.accountId],
  ['email', (a: Account) => a.email],
  ['displayName', (a: Account) => a.displayName],
  ['status', (a: Account) => a.status],
  ['statusLabel', (a: Account) => a.statusLabel],
  ['statusSince', (a: Account) => a.statusSince],
  ['inProgressTarget', (a: Account) => a.inProgress?.target ?? null],
  ['leaveDate', (a: Account) => a.leaver?.leaveDate ?? null],
  ['lastActivityAt', (a: Account) => a.lastActivityAt],
  ['createdAt', (a: Account) => a.createdAt],
] as const;

function field(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The header line and one line per account, CRLF-separated.
 *
 * @example
 * toCsv([account]).split('\r\n')[0] // 'accountId,email,displayName,…'
 */
function toCsv(accounts: readonly Account[]): string {
  const header = COLUMNS.map(([name]) => name).join(',');
  const lines = accounts.map((a) => COLUMNS.map(([, get]) => field(get(a))).join(','));
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

export { toCsv };
