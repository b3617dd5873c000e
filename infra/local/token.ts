/**
 * `npm run -s token -- --sub alice --scope "accounts:read accounts:write" --domains example.org [--ttl 8h]`
 * prints a token the local API accepts, signed with the key the local stack created in .local/ (LOCAL_DIR).
 * `--domains a.org,b.org` makes an array claim, `--domains '*'` means every domain.
 */
import { parseArgs } from 'node:util';
import { NoSigningKeyError, readSigningKey, signToken } from './jwt';
import type { LocalClaims } from './jwt';
import { localPaths } from './paths';
import { UsageError } from '../../shared/errors';

const USAGE =
  'usage: npm run -s token -- --sub <actor> --scope "<scope> …" [--domains <domain>[,<domain>…] | \'*\'] [--ttl <seconds|30m|8h|7d>]';

/** The actor of a local SCIM connection's token when --sub is not given. */
const SCIM_DEFAULT_SUB = 'scim-local';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A lifetime in seconds from `3600`, `30m`, `8h` or `7d`.
 *
 * @example
 * parseTtl('8h') // 28800
 */
function parseTtl(raw: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw new UsageError(`--ttl must be a positive duration like 3600, 30m, 8h or 7d, got "${raw}"`);
  return seconds;
}

/**
 * The `domains` claim: one domain as a string, several (comma-separated) as an array, `*` for all.
 *
 * @example
 * domainsClaim('a.org, b.org') // ['a.org', 'b.org']
 */
function domainsClaim(raw: string): string | string[] {
  const domains = raw
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d !== '');
  if (domains.length === 0) throw new UsageError("--domains needs at least one domain, or '*'");
  if (domains.includes('*') && domains.length > 1)
    throw new UsageError("--domains '*' already means every domain: give it alone");
  return domains.length === 1 ? (domains[0] as string) : domains;
}

function claimsFrom(argv: readonly string[]): { claims: LocalClaims; ttlSeconds: number | undefined } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sub: { type: 'string' },
      scope: { type: 'string' },
      domains: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const scope = (values.scope ?? '')
    .split(/\s+/)
    .filter((s) => s !== '')
    .join(' ');
  // A SCIM connection's token names the connection; locally it defaults to one.
  const sub = values.sub?.trim() || (scope.split(' ').includes('scim:provision') ? SCIM_DEFAULT_SUB : undefined);
  if (!sub) throw new UsageError('--sub is required (the actor recorded in history)');
  if (scope === '') throw new UsageError('--scope is required, e.g. --scope "accounts:read accounts:write"');
  return {
    claims: {
      sub,
      scope,
      ...(values.domains === undefined ? {} : { domains: domainsClaim(values.domains) }),
    } as LocalClaims,
    ttlSeconds: values.ttl === undefined ? undefined : parseTtl(values.ttl),
  };
}

async function main(): Promise<void> {
  const { claims, ttlSeconds } = claimsFrom(process.argv.slice(2));
  const key = await readSigningKey(localPaths().signingKey);
  const token = await signToken(key, claims, ttlSeconds === undefined ? {} : { ttlSeconds });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(error as Error).message}\n${USAGE}`);
  } else if (error instanceof NoSigningKeyError) {
    console.error(`${error.message}. The key is created the first time the stack starts.`);
  } else {
    console.error((error as Error).message ?? String(error));
  }
  process.exit(1);
});
