'use strict';
// The codec's worker and the threads the codec starts run at a lower scheduling priority
// (SCHED_IDLE by default, configurable), so that the JS thread wins the CPU. Checked from
// /proc while a decoder is busy (Linux only).
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const child = path.join(__dirname, 'helpers', 'priority-child.js');
const linux = process.platform === 'linux' && fs.existsSync('/proc/self/task');

function run(env, arg) {
  return JSON.parse(execFileSync(process.execPath, [child, arg || ''], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim());
}

test('default: codec threads are SCHED_IDLE, the JS thread is untouched', { skip: !linux && 'Linux only' }, () => {
  const r = run({ WEBCODECS_NATIVE_PRIORITY: '' });
  assert.ok(r.codec.length >= 2, `worker + decoder threads seen: ${JSON.stringify(r)}`);
  for (const t of r.codec) assert.equal(t.policy, 5, `thread ${t.tid} policy (5 = SCHED_IDLE)`);
  assert.equal(r.main.policy, 0);
  assert.equal(r.main.nice, 0);
  assert.equal(r.frames, 60);
});

test('WEBCODECS_NATIVE_PRIORITY=10 and configureThreads({priority: "normal"})', { skip: !linux && 'Linux only' }, () => {
  let r = run({ WEBCODECS_NATIVE_PRIORITY: '10' });
  for (const t of r.codec) assert.deepEqual([t.policy, t.nice], [0, 10]);
  r = run({ WEBCODECS_NATIVE_PRIORITY: '' }, 'normal');
  for (const t of r.codec) assert.deepEqual([t.policy, t.nice], [0, 0]);
  assert.equal(r.frames, 60);
});
