/**
 * SPEC §6: on a Node older than the one .nvmrc names, `npm start` and `npm test` stop at once with one
 * line saying which Node is needed and how to get it without nvm. The check (infra/local/check-node.cjs,
 * their pre-script) is told the version to judge with NODE_VERSION_CHECK_AS, as a Node 20 would report.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/local/paths';

const run = promisify(execFile);
const wanted = readFileSync(join(REPO_ROOT, '.nvmrc'), 'utf8').trim();

async function npm(script: string, version: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_VERSION_CHECK_AS: version, LOCAL_DIR: '/nonexistent/never-created' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('an older Node', () => {
  it.each(['start', 'test'])(
    'stops npm %s at once with one line naming the Node needed and a way without nvm',
    async (script) => {
      // Act
      const result = await npm(script, '20.11.0');

      // Assess
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Node ${wanted} is needed (this is Node 20.11.0)`);
      expect(lines[0]).toContain(`npx -y -p node@${wanted} which node`);
      expect(result.stdout).toBe('');
    },
  );

  it('lets the Node .nvmrc names through', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'infra/local/check-node.cjs')], {
      env: { ...process.env, NODE_VERSION_CHECK_AS: `${wanted}.1.0` },
    });
    expect(stdout + stderr).toBe('');
  });
});
