#!/usr/bin/env node
// The runtime suite (test/runtime/check.mjs) under other JavaScript runtimes, with the addon built
// once (Node-API is ABI-stable):
//   node scripts/test-runtimes.js NAME=PATH_TO_BINARY ...   e.g. bun=/x/bin/bun deno=/y/deno node18=/z/bin/node
// A runtime whose name starts with "deno" runs as `deno run --allow-ffi --allow-read --allow-env
// --allow-run` (the addon needs --allow-ffi; the checks spawn children and read fixtures).
// It installs the package as a user has it (node_modules/webcodecs-native in a scratch project:
// package.json, lib/, the built addon), makes the reference with the ffmpeg CLI, and prints per
// runtime what passed and how long it took. Exit code 1 if anything failed.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const runtimes = process.argv.slice(2).map((a) => { const i = a.indexOf('='); return { name: a.slice(0, i), bin: path.resolve(a.slice(i + 1)) }; });
if (runtimes.length === 0) { console.error('usage: node scripts/test-runtimes.js NAME=BINARY ...'); process.exit(2); }

const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-runtimes-'));
const pkg = path.join(proj, 'node_modules', 'webcodecs-native');
fs.mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
fs.cpSync(path.join(root, 'lib'), path.join(pkg, 'lib'), { recursive: true });
fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
fs.copyFileSync(path.join(root, 'build', 'Release', 'webcodecs_native.node'), path.join(pkg, 'build', 'Release', 'webcodecs_native.node'));
fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'wc-runtime-check', private: true, type: 'module', dependencies: { 'webcodecs-native': '*' } }));
fs.cpSync(path.join(root, 'test', 'runtime'), path.join(proj, 'check'), { recursive: true });

async function refs() {
  const name = 'testsrc2-320x240-h264.mp4';
  const file = path.join(root, 'test', 'fixtures', name);
  const { loadTrack } = await import(path.join(root, 'test', 'helpers', 'demux.mjs'));
  const t = loadTrack(file);
  const md5 = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-'], { encoding: 'utf8' })
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
  const b64 = (u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
  return {
    codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight, description: t.description && b64(t.description),
    chunks: t.chunks.map((c) => ({ type: c.type, timestamp: c.timestamp, duration: c.duration, data: b64(c.data) })),
    md5, timestamps: t.chunks.map((c) => c.timestamp).sort((a, b) => a - b),
  };
}

(async () => {
  const refsPath = path.join(proj, 'refs.json');
  fs.writeFileSync(refsPath, JSON.stringify(await refs()));
  const rows = [];
  let bad = 0;
  for (const rt of runtimes) {
    const pre = rt.name.startsWith('deno') ? ['run', '--allow-ffi', '--allow-read', '--allow-env', '--allow-run'] : [];
    const version = spawnSync(rt.bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
    const t0 = Date.now();
    const r = spawnSync(rt.bin, [...pre, path.join(proj, 'check', 'check.mjs'), refsPath], {
      cwd: proj, encoding: 'utf8', timeout: 300000, env: { ...process.env, WC_RUNTIME_ARGS: JSON.stringify(pre) },
    });
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    const ok = r.status === 0 && /RUNTIME_SUITE PASS/.test(r.stdout);
    if (!ok) bad++;
    const passed = (r.stdout.match(/^ok /gm) || []).length;
    const failed = (r.stdout.match(/^not ok /gm) || []).length;
    const skipped = (r.stdout.match(/^skip /gm) || []).length;
    console.log(`== ${rt.name} (${version}): ${ok ? 'PASS' : 'FAIL'} ${passed} passed, ${failed} failed, ${skipped} skipped, ${secs} s`);
    process.stdout.write(r.stdout);
    if (!ok) process.stdout.write(`status ${r.status} signal ${r.signal}\n${r.stderr}\n`);
    rows.push(`${rt.name}\t${version}\t${ok ? 'PASS' : 'FAIL'}\t${passed}/${passed + failed}${skipped ? ` (${skipped} skipped)` : ''}\t${secs} s`);
  }
  console.log(`\nruntime suite:\n${rows.join('\n')}`);
  fs.rmSync(proj, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
})();
