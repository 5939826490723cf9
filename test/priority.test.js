'use strict';
// Scheduling of the codec threads and of the JS thread (src/engine/sched.c), read back from the
// kernel while a decoder is busy (Linux only). Requested slices exist from Linux 6.12 on; where the
// kernel has none (it reports a slice of 0) only policy and niceness are checked.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const child = path.join(__dirname, 'helpers', 'priority-child.js');
const linux = process.platform === 'linux' && fs.existsSync('/proc/self/task');
const SCHED_OTHER = 0;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;

function run(env, conf, prefix = [], decodes = null) {
  const argv = [...prefix, process.execPath, child, JSON.stringify(conf ?? null), ...(decodes ? [JSON.stringify(decodes)] : [])];
  const out = execFileSync(argv[0], argv.slice(1), {
    env: { ...process.env, WEBCODECS_NATIVE_PRIORITY: '', WEBCODECS_NATIVE_EVENT_LOOP_SLICE: '', ...env }, encoding: 'utf8',
  });
  return JSON.parse(out.trim());
}

test('default "fair": codec threads at normal weight with a long slice; the JS thread asks for a short one, its children do not inherit it',
  { skip: !linux && 'Linux only' }, () => {
    const r = run({});
    const slices = r.before.sliceUs > 0; // the kernel reports (and takes) requested slices
    assert.ok(r.codec.length >= 2, `worker + decoder threads seen: ${JSON.stringify(r)}`);
    for (const t of r.codec) {
      assert.deepEqual([t.policy, t.nice], [SCHED_OTHER, 0], `thread ${t.tid}`);
      if (slices) assert.equal(t.sliceUs, 10000, `thread ${t.tid}: the codec slice`);
    }
    assert.deepEqual([r.main.policy, r.main.nice], [SCHED_OTHER, 0]);
    if (slices) {
      assert.equal(r.main.sliceUs, 100, 'the JS thread asked for 100 us');
      assert.equal(r.childSliceUs, r.before.sliceUs, 'a process started from the JS thread has the default slice');
    }
    assert.equal(r.frames, 60);
  });

test('a niceness the process was started with is kept by the codec threads; the JS thread keeps it too', { skip: !linux && 'Linux only' }, () => {
  const r = run({}, null, ['nice', '-n', '3']);
  for (const t of r.codec) assert.deepEqual([t.policy, t.nice], [SCHED_OTHER, 3]);
  assert.equal(r.main.nice, 3);
});

test('WEBCODECS_NATIVE_PRIORITY=idle, =10, configureThreads({priority: "normal", eventLoopSlice: 0})', { skip: !linux && 'Linux only' }, () => {
  let r = run({ WEBCODECS_NATIVE_PRIORITY: 'idle' });
  for (const t of r.codec) assert.equal(t.policy, SCHED_IDLE, `thread ${t.tid} policy`);
  r = run({ WEBCODECS_NATIVE_PRIORITY: '10' });
  for (const t of r.codec) assert.deepEqual([t.policy, t.nice], [SCHED_OTHER, 10]);
  r = run({}, { priority: 'normal', eventLoopSlice: 0 });
  for (const t of r.codec) assert.deepEqual([t.policy, t.nice, t.sliceUs], [SCHED_OTHER, 0, r.before.sliceUs], 'untouched');
  assert.deepEqual(r.main, { ...r.before, tid: r.main.tid, comm: r.main.comm }, 'eventLoopSlice 0 leaves the JS thread alone');
  r = run({ WEBCODECS_NATIVE_EVENT_LOOP_SLICE: '2000' });
  if (r.before.sliceUs > 0) assert.equal(r.main.sliceUs, 2000);
  assert.equal(r.frames, 60);
});

test('fair: VP9 and HEVC frame-threaded decoding at SCHED_BATCH, and back to SCHED_OTHER when the same decoder is reconfigured for low delay, H.264 or VP8; idle and batch stay as set',
  { skip: !linux && 'Linux only' }, () => {
    const vp9 = { file: 'testsrc2-1280x720-vp9.ivf' };
    const hevc = { file: 'testsrc2-1280x720-hevc.hevc' };
    const decodes = [vp9, { ...vp9, config: { optimizeForLatency: true } }, { file: 'testsrc2-1280x720-h264.mp4' }, vp9,
      { file: 'testsrc2-1280x720-vp8.ivf' }, hevc, { ...hevc, config: { optimizeForLatency: true } }];
    let r = run({}, null, [], decodes);
    const slices = r.before.sliceUs > 0;
    assert.equal(r.frames, 60 * decodes.length);
    const policies = r.codecs.map((list) => {
      assert.ok(list.length >= 2, 'worker + decoder threads seen');
      for (const t of list) {
        assert.equal(t.nice, 0);
        if (slices) assert.equal(t.sliceUs, 10000, `thread ${t.tid}: the codec slice is kept`);
      }
      return [...new Set(list.map((t) => t.policy))];
    });
    assert.deepEqual(policies, [[SCHED_BATCH], [SCHED_OTHER], [SCHED_OTHER], [SCHED_BATCH], [SCHED_OTHER], [SCHED_BATCH],
      [SCHED_OTHER]]);
    // the niceness a process was started with is kept through the switch
    r = run({}, null, ['nice', '-n', '4'], [vp9]);
    for (const t of r.codec) assert.deepEqual([t.policy, t.nice], [SCHED_BATCH, 4]);
    r = run({ WEBCODECS_NATIVE_PRIORITY: 'idle' }, null, [], [vp9, { file: 'testsrc2-1280x720-h264.mp4' }]);
    for (const list of r.codecs) for (const t of list) assert.equal(t.policy, SCHED_IDLE);
    r = run({}, { priority: 'batch' }, [], [vp9, { file: 'testsrc2-1280x720-h264.mp4' }]);
    for (const list of r.codecs) {
      for (const t of list) {
        assert.deepEqual([t.policy, t.nice], [SCHED_BATCH, 0]);
        if (slices) assert.equal(t.sliceUs, 10000);
      }
    }
    r = run({ WEBCODECS_NATIVE_PRIORITY: 'normal' }, null, [], [vp9]);
    for (const t of r.codec) assert.equal(t.policy, SCHED_OTHER);
  });

test('invalid settings are RangeErrors that name the setting', () => {
  const wc = require('..');
  assert.throws(() => wc.configureThreads({ priority: 'high' }), (e) => e instanceof RangeError && /priority/.test(e.message));
  assert.throws(() => wc.configureThreads({ eventLoopSlice: 50 }), (e) => e instanceof RangeError && /eventLoopSlice/.test(e.message));
  assert.throws(() => wc.configureThreads({ eventLoopSlice: 1.5 }), RangeError);
  assert.throws(() => execFileSync(process.execPath, ['-e', 'require(".")'], {
    cwd: path.join(__dirname, '..'), env: { ...process.env, WEBCODECS_NATIVE_EVENT_LOOP_SLICE: 'fast' }, stdio: 'pipe',
  }), /WEBCODECS_NATIVE_EVENT_LOOP_SLICE/);
});
