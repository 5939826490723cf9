#!/usr/bin/env node
// npm test: every test file under test/ (and test/lifecycle/) with the Node.js test runner.
//   node scripts/test.js [pattern...]    only files whose path contains a pattern
//   bun scripts/test.js [pattern...]     the same under Bun (bun test)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dirs = ['test', path.join('test', 'lifecycle')];
const filters = process.argv.slice(2);
const files = dirs
  .filter((d) => fs.existsSync(path.join(root, d)))
  .flatMap((d) => fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.test.js')).map((f) => path.join(d, f)))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('no test files match');
  process.exit(1);
}
// Under Bun (`bun scripts/test.js`), the same files run with `bun test`, whose node:test support
// runs them unchanged; its default per-test timeout (5 s) is raised to Node's none-in-practice,
// since several tests legitimately take longer on a loaded 2-core machine (no assertion changes).
const args = process.versions.bun
  ? ['test', '--timeout', '600000', ...files.map((f) => `./${f}`)]
  : ['--test', ...files];
// WEBCODECS_NATIVE_STRICT_OPTIONS: an encoder option FFmpeg's wrapper does not take (a setting that
// would silently do nothing) fails the open, so a dead option cannot pass the suite.
const env = { ...process.env, WEBCODECS_NATIVE_STRICT_OPTIONS: '1' };
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(r.status === null ? 1 : r.status);
