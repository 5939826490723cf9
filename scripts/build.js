#!/usr/bin/env node
// Builds the native addon with node-gyp, after checking that FFmpeg's development
// files are present (pkg-config: libavcodec, libavutil, libswscale, libswresample, FFmpeg >= 5.1;
// libopus for the Opus encoder; Little CMS 2 (lcms2) for ImageDecoder's ICC profiles).
//
//   node scripts/build.js              release build into build/Release
//   node scripts/build.js --sanitize   ASan+UBSan build in build-asan/ (build/ is left alone)
//   node scripts/build.js --clean      rebuild from scratch
//   WC_WERROR=1 node scripts/build.js  warnings are errors (CI)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const MIN = { libavcodec: '59.37.100', libavutil: '57.28.100', libswscale: '6.7.100', libswresample: '4.7.100', opus: '1.1', lcms2: '2.9' };

function fail(msg) {
  process.stderr.write(`\nwebcodecs-native: ${msg}\n\n`);
  process.exit(1);
}

function missingFfmpeg(detail) {
  fail(`FFmpeg's development files were not found (${detail}).
It needs libavcodec, libavutil, libswscale and libswresample of FFmpeg 5.1 or newer, libopus and
Little CMS 2 (lcms2), found through pkg-config.
Install them, then run npm install again:

  Debian / Ubuntu:  sudo apt-get install -y pkg-config libavcodec-dev libavutil-dev libswscale-dev libswresample-dev libopus-dev liblcms2-dev
  Fedora:           sudo dnf install -y pkgconf-pkg-config ffmpeg-free-devel opus-devel lcms2-devel   (or ffmpeg-devel from RPM Fusion)
  macOS (Homebrew): brew install pkg-config ffmpeg opus little-cms2

If FFmpeg is installed somewhere else, point PKG_CONFIG_PATH at its lib/pkgconfig folder.`);
}

function checkFfmpeg() {
  const probe = spawnSync('pkg-config', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) missingFfmpeg('pkg-config is not installed');
  for (const [lib, min] of Object.entries(MIN)) {
    const have = spawnSync('pkg-config', ['--modversion', lib], { encoding: 'utf8' });
    if (have.status !== 0) missingFfmpeg(`pkg-config does not know ${lib}`);
    const ok = spawnSync('pkg-config', [`--atleast-version=${min}`, lib]);
    if (ok.status !== 0) {
      fail(`${lib} ${have.stdout.trim()} is too old: ${lib === 'opus' ? 'libopus' : lib === 'lcms2' ? 'lcms2 2.9' : 'FFmpeg 5.1'} or newer is needed (${lib} >= ${min}).`);
    }
  }
}

function nodeGyp() {
  // npm passes its bundled node-gyp to install scripts; otherwise look next to npm, then on PATH.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try { candidates.push(require.resolve('node-gyp/bin/node-gyp.js')); } catch { /* not installed locally */ }
  for (const c of candidates) if (c && fs.existsSync(c)) return [process.execPath, c];
  return ['node-gyp'];
}

function nodedirArgs() {
  // Use the headers installed with this node (distribution packages ship them) so
  // that no download from nodejs.org is needed.
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
    return [`--nodedir=${prefix}`];
  }
  return [];
}

function run(cmd, args, env, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) process.exit(r.status || 1);
}

checkFfmpeg();
const sanitize = process.argv.includes('--sanitize');
const env = { ...process.env };
// The sanitizer build lives in its own tree (build-asan/) so that build/Release stays the normal addon.
let dir = root;
if (sanitize) {
  env.WC_SANITIZE = '1';
  dir = path.join(root, 'build-asan', 'tree');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['binding.gyp', 'package.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  for (const d of ['src', 'include']) {
    fs.rmSync(path.join(dir, d), { recursive: true, force: true });
    fs.cpSync(path.join(root, d), path.join(dir, d), { recursive: true });
  }
}
const [cmd, ...pre] = nodeGyp();
const jobs = `--jobs=${Math.max(1, require('node:os').availableParallelism?.() ?? require('node:os').cpus().length)}`;
// Incremental when a configured build exists, else a clean rebuild.
const makefile = path.join(dir, 'build', 'Makefile');
const incremental = !process.argv.includes('--clean') && fs.existsSync(makefile) &&
  fs.statSync(makefile).mtimeMs >= fs.statSync(path.join(dir, 'binding.gyp')).mtimeMs;
if (incremental) run(cmd, [...pre, 'build', jobs], env, dir);
else run(cmd, [...pre, 'rebuild', jobs, ...nodedirArgs()], env, dir);
if (sanitize) {
  fs.copyFileSync(path.join(dir, 'build', 'Release', 'webcodecs_native.node'), path.join(root, 'build-asan', 'webcodecs_native.node'));
  process.stdout.write('webcodecs-native: sanitizer build in build-asan/webcodecs_native.node\n');
}
