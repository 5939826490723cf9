'use strict';
// The runtime suite (test/runtime/check.mjs, driven by scripts/test-runtimes.js) under the runtime
// running this test, from a scratch project that has the package in node_modules as a user does.
// CI (.ci/run) runs the same driver under Node 18/22/24/26, Bun and Deno.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('runtime suite under this runtime: every check passes', { timeout: 300000 }, () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'test-runtimes.js'), `self=${process.execPath}`], { encoding: 'utf8', timeout: 280000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /RUNTIME_SUITE PASS failed=0/);
  // 10 checks everywhere, plus the web Worker one where the runtime has a global Worker (Bun, Deno)
  const web = typeof globalThis.Worker === 'function';
  assert.equal((r.stdout.match(/^ok /gm) || []).length, web ? 11 : 10, r.stdout);
  assert.equal(/^ok web-worker /m.test(r.stdout), web, r.stdout);
});
