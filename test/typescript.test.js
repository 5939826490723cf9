'use strict';
// lib/index.d.ts and lib/polyfill.d.ts cover the surface a TypeScript user writes
// against: test/types/*.ts is compiled with `tsc --noEmit` (strict) and must pass.
// A deliberately wrong use must fail, so the check cannot pass vacuously.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

test('the TypeScript sample compiles with tsc --noEmit --strict', { skip: !fs.existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types')], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('a type error in user code is reported', { skip: !fs.existsSync(tsc) && 'typescript is not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-ts-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.ts'),
      "import { VideoFrame } from 'webcodecs-native';\nconst f = new VideoFrame(new Uint8Array(4), { format: 'YUY2', codedWidth: 1, codedHeight: 1, timestamp: 0 });\nf.close();\n");
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')], baseUrl: root, paths: { 'webcodecs-native': [path.join(root, 'lib', 'index.d.ts')] } },
      files: ['bad.ts'],
    }));
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', cwd: root });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /YUY2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
