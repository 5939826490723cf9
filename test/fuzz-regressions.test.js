'use strict';
// Replays the fuzzers' regression inputs (test/fuzz/crashes/<target>/*: inputs that once crashed, leaked or
// broke an invariant; see test/fuzz/crashes/README.md) and their seed corpora (test/fuzz/corpus/<target>/*)
// once through each libFuzzer target, without fuzzing: every input must run clean under ASan + UBSan + LSan.
// The targets are built into test/fuzz/out/ (reused while newer than their sources). Fuzzing itself:
// node test/fuzz/run.js.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { targets, build, checkToolchain, cleanEnv, filesIn, root } = require('./fuzz/targets');

const toolchainProblem = checkToolchain();

test('clang with libFuzzer is installed', () => {
  assert.equal(toolchainProblem, null,
    'the fuzz regression tests need clang with libFuzzer and the sanitizer runtimes: apt-get install clang ' +
    '(Debian 12 / clang 14: the runtime is in libclang-rt-14-dev, pulled in by clang; newer releases: ' +
    `libclang-rt-<version>-dev). Set FUZZ_CC to use another clang.\n${toolchainProblem}`);
});

for (const t of targets) {
  const opts = { skip: toolchainProblem ? 'no clang/libFuzzer (see the test above)' : false, timeout: 600000 };
  test(`fuzz target ${t.name}: regression inputs and seeds run clean`, opts, () => {
    build(t);
    const crashes = filesIn(t.crashes);
    const seeds = filesIn(t.corpus);
    const inputs = [...crashes, ...seeds];
    assert.ok(seeds.length > 0, `no seeds in ${path.relative(root, t.corpus)} (node test/fuzz/make-seeds.mjs)`);
    // one process per regression input so that each failure is reported by name; the seeds in one run
    const runs = [...crashes.map((f) => [f]), seeds];
    const failures = [];
    for (const files of runs) {
      const r = spawnSync(t.binary, ['-rss_limit_mb=2048', '-timeout=30', ...files], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...cleanEnv(), ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' },
      });
      assert.equal(r.error, undefined, `${t.binary}: ${r.error}`);
      if (r.status === 0 && r.signal === null) continue;
      const what = files.length === 1 ? path.relative(root, files[0]) : `the seeds in ${path.relative(root, t.corpus)}`;
      const tail = (r.stderr || '').split('\n').filter((l) => !/^(Running:|Executed |INFO: )/.test(l) && l.trim())
        .slice(-25).join('\n    ');
      failures.push(`${what}: exit ${r.signal || r.status}\n    ${tail}`);
    }
    assert.equal(failures.length, 0, `${failures.length} of ${runs.length} runs of fuzz target ${t.name} failed ` +
      `(causes and suggested fixes: test/fuzz/crashes/README.md):\n${failures.join('\n')}`);
    assert.ok(inputs.length > 0);
  });
}
