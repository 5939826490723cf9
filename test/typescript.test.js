'use strict';
// lib/index.d.ts and lib/polyfill.d.ts cover the surface a TypeScript user writes
// against, in a Node/Bun project (no DOM lib) and in one that also has TypeScript's DOM lib
// ("lib": ["dom", "es2022"]), both with `strict` and without `skipLibCheck`:
//   - test/types/*.ts (the samples) compile with `tsc --noEmit` in both configurations;
//   - a generated file checks every global the polyfill installs (NAMES, read from
//     lib/polyfill.js so a class added there without a declaration fails): without the DOM
//     lib the global is exactly this package's class; with it, it keeps the DOM's declaration
//     and this package's class must be assignable to it (what the polyfill really installs);
//   - `@ts-expect-error` lines make each configuration prove that it type-checks at all.
// A deliberately wrong use must fail with the message naming it, so the check cannot pass
// vacuously. The generated files live under build/ (inside the package), so that
// 'webcodecs-native' and 'webcodecs-native/polyfill' resolve through package.json's
// "exports", as they do for a user.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// Type checking runs no native code, so the sanitized run (scripts/test-sanitized.js, the whole
// suite again beside a slowed-down addon) skips it: there tsc, which takes ~40 s alone, was killed
// at the timeout on a loaded 2-core CI machine while its output was already complete.
const skip = (!fs.existsSync(tsc) && 'typescript is not installed (npm install)') ||
  (process.env.WC_SANITIZED === '1' && 'type checking runs no native code: checked in the plain run, not the sanitized one');
// tsc is a Node program; under another runtime (Bun runs this suite too) keep using the
// runtime that runs the test, which runs tsc fine.
const TIMEOUT = 300_000;

// TypeScript's lib.dom.d.ts (5.9) declares only what browsers ship, so its enums are narrower
// than the spec's, which this package implements: VideoPixelFormat lacks the 10/12-bit and
// 4:2:2/4:4:4-alpha formats, VideoColorPrimaries 'bt2020' and 'smpte432',
// VideoTransferCharacteristics 'linear', 'pq' and 'hlg', VideoMatrixCoefficients 'bt2020-ncl'
// (all in the WebCodecs spec's IDL). These classes return such values, so they cannot be
// assignable to the DOM's declarations; for them only the members are compared. ImageDecoder
// too: decode() resolves with one of these VideoFrames.
const DOM_LAG = ['VideoDecoder', 'VideoEncoder', 'VideoFrame', 'VideoColorSpace', 'ImageDecoder'];

function polyfillNames() {
  const src = fs.readFileSync(path.join(root, 'lib', 'polyfill.js'), 'utf8');
  const m = /const NAMES = \[([^\]]*)\]/.exec(src);
  assert.ok(m, 'lib/polyfill.js declares const NAMES = [...]');
  const names = [...m[1].matchAll(/'([A-Za-z]+)'/g)].map((x) => x[1]);
  assert.ok(names.length >= 10, `NAMES parsed: ${names}`);
  return names;
}

function globalsCheck(names, dom) {
  const out = [
    "import { installed } from 'webcodecs-native/polyfill';",
    "import * as wc from 'webcodecs-native';",
    'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;',
    'export const names: string[] = installed;',
  ];
  for (const n of names) {
    if (dom) {
      // Every member the DOM lib declares exists on what the polyfill installs (instance and static).
      out.push(`export const ${n}Members: Equal<Exclude<keyof ${n}, keyof wc.${n}>, never> = true;`);
      out.push(`export const ${n}Statics: Equal<Exclude<keyof typeof globalThis.${n}, keyof typeof wc.${n}>, never> = true;`);
      // And, but for the DOM lib's narrower enums (DOM_LAG), with types the DOM's declaration accepts.
      if (!DOM_LAG.includes(n)) {
        out.push(`export const ${n}Ctor: typeof globalThis.${n} = wc.${n};`);
        out.push(`export const ${n}Inst = (x: wc.${n}): ${n} => x;`);
      }
    } else {
      out.push(`export const ${n}Ctor: Equal<typeof globalThis.${n}, typeof wc.${n}> = true;`);
      out.push(`export const ${n}Inst: Equal<${n}, wc.${n}> = true;`);
    }
  }
  // Each configuration must really be the one it claims: the non-standard `stats` exists on
  // this package's class (the global without the DOM lib), not on the DOM's VideoDecoder.
  out.push('declare const d: VideoDecoder;');
  if (dom) out.push('// @ts-expect-error the DOM lib\'s VideoDecoder has no `stats`', 'export const s = d.stats;');
  else out.push('export const s: wc.CodecStats = d.stats;');
  out.push('// @ts-expect-error not a VideoPixelFormat in either', "export const f = new VideoFrame(new Uint8Array(4), { format: 'YUY2', codedWidth: 1, codedHeight: 1, timestamp: 0 });");
  return out.join('\n') + '\n';
}

function compile(dom, extraFiles) {
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'build', 'ts-'));
  try {
    const files = [path.join(__dirname, 'types', 'sample.ts'), path.join(__dirname, 'types', 'polyfill-sample.ts')];
    for (const [name, text] of Object.entries(extraFiles)) {
      fs.writeFileSync(path.join(dir, name), text);
      files.push(path.join(dir, name));
    }
    const base = JSON.parse(fs.readFileSync(path.join(__dirname, 'types', 'tsconfig.json'), 'utf8'));
    assert.equal(base.compilerOptions.skipLibCheck, false);
    assert.equal(base.compilerOptions.strict, true);
    const compilerOptions = { ...base.compilerOptions, lib: dom ? ['DOM', 'ES2022'] : ['ES2022'], typeRoots: [path.join(root, 'node_modules', '@types')] };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    return spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', cwd: root, timeout: TIMEOUT });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// User code with two deliberate errors (lines 2 and 5), compiled in the same program as the
// samples: the samples must add no error of their own, and both errors must be reported.
const BAD = "import { VideoFrame } from 'webcodecs-native';\n" +
  "const f = new VideoFrame(new Uint8Array(4), { format: 'YUY2', codedWidth: 1, codedHeight: 1, timestamp: 0 });\n" +
  "f.close();\nimport 'webcodecs-native/polyfill';\n" +
  "const g = new globalThis.VideoDecoder({ output: (x: number) => x, error: () => undefined });\ng.close();\n";

for (const dom of [false, true]) {
  const what = dom ? 'with the DOM lib ("lib": ["DOM", "ES2022"])' : 'without the DOM lib ("lib": ["ES2022"], "types": ["node"])';
  test(`the samples and the polyfill's globals type-check ${what}, strict, no skipLibCheck; errors are reported`, { skip, timeout: TIMEOUT }, () => {
    const r = compile(dom, { 'globals.ts': globalsCheck(polyfillNames(), dom), 'bad.ts': BAD });
    // tsc prints one block per error: a `file(line,col): error TSnnnn: ...` line, then indented detail.
    const errors = r.stdout.split(/\n(?=\S)/).filter((b) => /^\S+\(\d+,\d+\): error TS\d+/.test(b));
    const unexpected = errors.filter((b) => !/^build\/ts-[^/]+\/bad\.ts\([25],\d+\): error/.test(b));
    assert.deepEqual(unexpected, [], r.stdout + r.stderr);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.ok(errors.some((b) => /^\S+bad\.ts\(2,\d+\): error TS\d+:[\s\S]*'"YUY2"' is not assignable/.test(b)), r.stdout);
    assert.ok(errors.some((b) => /^\S+bad\.ts\(5,\d+\): error TS\d+:[\s\S]*'x' and/.test(b)), r.stdout);
  });
}
