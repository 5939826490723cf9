'use strict';
// Parent-side helper for the lifecycle tests: runs one scenario script from
// ./children in a fresh node process with a wall-clock limit, and collects what
// it did. A child that outlives the limit is killed (SIGKILL) and reported as a
// hang. (Loaded on its own, e.g. by a bare `node --test`, this file does nothing.)
const { spawn } = require('node:child_process');
const path = require('node:path');
const assert = require('node:assert/strict');

const CHILDREN = path.join(__dirname, 'children');

function runChild(script, args = [], { timeout = 60000, execArgv = [], env = {} } = {}) {
  const childEnv = { ...process.env, ...env };
  // The child is a plain script, not a test file of this run.
  delete childEnv.NODE_TEST_CONTEXT;
  delete childEnv.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [...execArgv, path.join(CHILDREN, script), ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve({ code, signal, stdout, stderr, ms, timedOut, script, args });
    });
  });
}

// A short description of a child's run, for assertion messages.
function describe(r) {
  const tail = (s) => (s.length > 3000 ? `...${s.slice(-3000)}` : s);
  return `${r.script} ${r.args.join(' ')}: code=${r.code} signal=${r.signal} ${Math.round(r.ms)} ms` +
    `${r.timedOut ? ' (HUNG: killed after the time limit)' : ''}\n--- stdout:\n${tail(r.stdout)}\n--- stderr:\n${tail(r.stderr)}`;
}

// The last `RESULT <json>` line a child printed.
function result(r) {
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('RESULT '));
  assert.ok(lines.length > 0, `no RESULT line\n${describe(r)}`);
  return JSON.parse(lines[lines.length - 1].slice('RESULT '.length));
}

// The child ended by itself (not killed by the limit, no signal) with `code`.
function assertExited(r, code = 0) {
  assert.equal(r.timedOut, false, `the child hung\n${describe(r)}`);
  assert.equal(r.signal, null, `the child died of a signal\n${describe(r)}`);
  assert.equal(r.code, code, `exit code\n${describe(r)}`);
}

// How many frames a decoder may still hold when it is never flushed: up to
// (frame threads - 1) + the stream's reorder delay. libavcodec starts at most 16
// frame threads on its own; WEBCODECS_NATIVE_THREADS (passed on to the children)
// may ask for more.
function heldBackAllowance() {
  const threads = Number(process.env.WEBCODECS_NATIVE_THREADS) || 0;
  return Math.max(16, threads) + 4;
}

module.exports = { runChild, describe, result, assertExited, heldBackAllowance, CHILDREN };
