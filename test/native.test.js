'use strict';
// Plain C tests of the Node- and FFmpeg-free parts of the engine, built here with
// the system C compiler: the command queue and the worker loop (with a fake codec)
// under ThreadSanitizer; codec strings, pixel-format tables, layout arithmetic and
// description records under AddressSanitizer + UndefinedBehaviorSanitizer.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(__dirname, 'native', 'out');
const cc = process.env.CC || 'cc';
const avutilCflags = () => execFileSync('pkg-config', ['--cflags', 'libavutil'], { encoding: 'utf8', env: withoutPreload(process.env) })
  .trim().split(/\s+/).filter(Boolean);

function withoutPreload(env) {
  const { LD_PRELOAD, ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS, ...rest } = env;
  return rest;
}

function build(name, sources, flags, libs = []) {
  fs.mkdirSync(out, { recursive: true });
  const exe = path.join(out, name);
  const args = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-g', '-O1', '-fno-omit-frame-pointer', `-I${path.join(root, 'include')}`,
    ...flags, ...sources.map((s) => path.join(root, s)), '-o', exe, ...libs];
  const r = spawnSync(cc, args, { encoding: 'utf8', env: withoutPreload(process.env) });
  assert.equal(r.status, 0, `${cc} ${args.join(' ')}\n${r.stderr}`);
  return exe;
}

function run(exe) {
  const r = spawnSync(exe, [], {
    encoding: 'utf8',
    timeout: 120000,
    // own sanitizer runtimes: never the ones preloaded for a sanitized node (scripts/test-sanitized.js)
    env: { ...withoutPreload(process.env), TSAN_OPTIONS: 'halt_on_error=1', ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
  });
  assert.equal(r.signal, null, `${exe} was killed by ${r.signal}\n${r.stderr}`);
  assert.equal(r.status, 0, `${exe} failed\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /: ok/);
}

test('queue under ThreadSanitizer', () => {
  run(build('queue_test', ['src/engine/queue.c', 'test/native/queue_test.c'], ['-fsanitize=thread'], ['-lpthread']));
});

test('worker loop with a fake codec under ThreadSanitizer', () => {
  run(build('worker_test', ['src/engine/queue.c', 'src/engine/worker.c', 'src/engine/sched.c', 'test/native/worker_test.c'], ['-fsanitize=thread'], ['-lpthread']));
});

test('audio codec strings and sample-format tables under ASan + UBSan', () => {
  run(build('audio_codec_string_test', ['src/formats/audio_codec_string.c', 'src/audio/sample_format.c', 'test/native/audio_codec_string_test.c'],
    ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', ...avutilCflags()], ['-lm']));
});

test('codec strings, pixel formats, layouts and description records under ASan + UBSan', () => {
  run(build('codec_string_test', ['src/formats/codec_string.c', 'src/video/pixfmt.c', 'src/formats/config_record.c', 'src/formats/bitstream.c', 'test/native/codec_string_test.c'],
    ['-fsanitize=address,undefined', '-fno-sanitize-recover=undefined', ...avutilCflags()]));
});
