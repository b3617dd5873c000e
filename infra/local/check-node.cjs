#!/usr/bin/env node
/*
 * Stops `npm start` and `npm test` at once, with one line, on a Node older than the one .nvmrc names
 * (SPEC §6). Plain CommonJS that any Node runs, so it can speak before anything newer fails.
 * NODE_VERSION_CHECK_AS=<version> checks that version instead of this Node's (its test).
 */
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const wanted = readFileSync(join(__dirname, '..', '..', '.nvmrc'), 'utf8')
  .trim()
  .replace(/^v/, '');
const have = (process.env.NODE_VERSION_CHECK_AS || process.versions.node).replace(/^v/, '');
const major = (version) => Number(version.split('.')[0]);

if (major(have) < major(wanted)) {
  process.stderr.write(
    `Node ${wanted} is needed (this is Node ${have}): install it from https://nodejs.org/en/download or your ` +
      `package manager, or for this shell without nvm: export PATH="$(dirname "$(npx -y -p node@${wanted} which node)"):$PATH"\n`,
  );
  process.exit(1);
}
