/**
 * `npm run lint:openapi` (part of `npm run lint`): writes the OpenAPI document GET /openapi.json serves and
 * lints it, offline, with Redocly's `recommended` rules (redocly.yaml) and Spectral's `spectral:oas`
 * (.spectral.yaml). Fails on any error of either.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApiDocument } from '../../shared/http/openapi';

const root = resolve(import.meta.dirname, '../..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
const file = join(dir, 'openapi.json');
writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));

// No telemetry, no update check: the linters run offline.
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const runs = [
  [bin('redocly'), ['lint', '--config', join(root, 'redocly.yaml'), '--format', 'stylish', file]],
  [bin('spectral'), ['lint', '--ruleset', join(root, '.spectral.yaml'), '--fail-severity', 'error', file]],
] as const;

let failed = false;
for (const [command, args] of runs) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', cwd: root });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) failed = true;
}
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
