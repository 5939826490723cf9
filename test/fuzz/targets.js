'use strict';
// The libFuzzer targets of test/fuzz and how to build them (shared by run.js and
// test/fuzz-regressions.test.js). No dependencies.
//
//   const { targets, build, checkToolchain } = require('./targets');
//
// Binaries go to test/fuzz/out/ (build output: not for the repository) and are
// rebuilt only when a source, header or this file is newer than the binary.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const fuzzDir = __dirname;
const outDir = path.join(fuzzDir, 'out');
const CC = process.env.FUZZ_CC || 'clang';

const ENGINE = ['src/video/decoder_engine.c', 'src/formats/config_record.c', 'src/formats/codec_string.c', 'src/video/pixfmt.c',
  'src/video/frame_copy.c', 'src/video/frame_pool.c', 'src/video/colorspace.c', 'src/video/scaler.c', 'src/engine/errors.c'];

function decodeTarget(codec) {
  return {
    name: `decode_${codec}`,
    source: 'fuzz_decode.c',
    defines: [`CODEC=WC_CODEC_${codec.toUpperCase()}`],
    sources: ENGINE,
    maxLen: 131072,
  };
}

const IMAGE_FORMATS = ['src/formats/image_common.c', 'src/formats/image_png.c', 'src/formats/image_jpeg.c', 'src/formats/image_gif.c',
  'src/formats/image_webp.c', 'src/formats/image_bmp.c', 'src/formats/image_heif.c'];

// name: binary test/fuzz/out/fuzz_<name>, seeds test/fuzz/corpus/<name>/, regressions test/fuzz/crashes/<name>/
const targets = [
  { name: 'codec_string', source: 'fuzz_codec_string.c', defines: [], sources: ['src/formats/codec_string.c', 'src/formats/audio_codec_string.c'], maxLen: 256 },
  { name: 'bitstream', source: 'fuzz_bitstream.c', defines: [],
    sources: ['src/formats/bitstream.c', 'src/formats/config_record.c', 'src/formats/codec_string.c', 'src/formats/chunk_check.c'], maxLen: 16384 },
  { name: 'frame', source: 'fuzz_frame.c', defines: [],
    sources: ['src/video/pixfmt.c', 'src/video/frame_copy.c', 'src/video/frame_pool.c', 'src/video/colorspace.c'], maxLen: 256 },
  ...['h264', 'hevc', 'vp8', 'vp9', 'av1'].map(decodeTarget),
  { name: 'audio_data', source: 'fuzz_audio_data.c', defines: [], sources: ['src/audio/sample_format.c'], maxLen: 4096 },
  { name: 'decode_audio', source: 'fuzz_audio_decode.c', defines: [],
    sources: ['src/audio/audio_decoder_engine.c', 'src/audio/sample_format.c', 'src/formats/audio_codec_string.c', 'src/engine/errors.c'],
    maxLen: 65536 },
  // every image container parser in one target (picked by the file's signature): one build and one fuzzing slot
  { name: 'image_container', source: 'fuzz_image_container.c', defines: [], sources: IMAGE_FORMATS, maxLen: 65536 },
  { name: 'image_decode', source: 'fuzz_image_decode.c', defines: [], sources: [...ENGINE, ...IMAGE_FORMATS,
    'src/image/image_engine.c', 'src/image/image_codecs.c', 'src/image/image_icc.c'], maxLen: 262144 },
].map((t) => ({
  ...t,
  binary: path.join(outDir, `fuzz_${t.name}`),
  corpus: path.join(fuzzDir, 'corpus', t.name),
  crashes: path.join(fuzzDir, 'crashes', t.name),
}));

// The environment for the compiler and the fuzzers: never the sanitizer runtimes preloaded into a sanitized
// node (scripts/test-sanitized.js), never its sanitizer options.
function cleanEnv(env = process.env) {
  const { LD_PRELOAD, ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS, TSAN_OPTIONS, ...rest } = env;
  return rest;
}

function pkgConfig(flag) {
  const r = spawnSync('pkg-config', [flag, 'libavcodec', 'libavutil', 'libswscale', 'libswresample', 'lcms2'], { encoding: 'utf8', env: cleanEnv() });
  if (r.status !== 0) throw new Error(`pkg-config ${flag} libavcodec libavutil libswscale libswresample lcms2 failed:\n${r.stderr || r.error}`);
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

// Returns null when clang can build and link a libFuzzer target with ASan + UBSan, else the reason.
function checkToolchain() {
  fs.mkdirSync(outDir, { recursive: true });
  const src = path.join(outDir, 'toolchain_probe.c');
  fs.writeFileSync(src, '#include <stddef.h>\n#include <stdint.h>\n' +
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n');
  const r = spawnSync(CC, ['-fsanitize=fuzzer,address,undefined', src, '-o', path.join(outDir, 'toolchain_probe')],
    { encoding: 'utf8', env: cleanEnv() });
  if (r.error) return `${CC} not found (${r.error.code})`;
  if (r.status !== 0) return `${CC} -fsanitize=fuzzer,address,undefined failed:\n${r.stderr}`;
  return null;
}

function newestMtime(files) {
  return Math.max(...files.map((f) => fs.statSync(f).mtimeMs));
}

// every header under dir, subfolders included (include/wc/<group>/*.h)
function headersUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return headersUnder(p);
    return e.name.endsWith('.h') ? [p] : [];
  });
}

function inputsOf(t) {
  const inc = path.join(root, 'include', 'wc');
  return [
    ...t.sources.map((s) => path.join(root, s)),
    path.join(fuzzDir, t.source),
    path.join(fuzzDir, 'fuzz_util.h'),
    __filename,
    ...headersUnder(inc),
  ];
}

function isFresh(t) {
  try {
    return fs.statSync(t.binary).mtimeMs > newestMtime(inputsOf(t));
  } catch {
    return false;
  }
}

function compileArgs(t, output) {
  return ['-std=c11', '-g', '-O1', '-fno-omit-frame-pointer', '-fsanitize=fuzzer,address,undefined',
    '-fno-sanitize-recover=undefined', '-Wall', '-Wextra', `-I${path.join(root, 'include')}`,
    ...t.defines.map((d) => `-D${d}`), ...pkgConfig('--cflags'),
    ...t.sources.map((s) => path.join(root, s)), path.join(fuzzDir, t.source),
    ...pkgConfig('--libs'), '-lpthread', '-o', output];
}

// Builds one target unless fresh. Returns { built, cmd }; throws with the compiler output on failure.
function build(t, { force = false, log = () => {} } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${t.binary}.tmp-${process.pid}`;
  const args = compileArgs(t, tmp);
  const cmd = `${CC} ${args.join(' ')}`;
  if (!force && isFresh(t)) return { built: false, cmd };
  log(`building ${path.relative(root, t.binary)}`);
  const r = spawnSync(CC, args, { encoding: 'utf8', env: cleanEnv() });
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`${cmd}\n${r.error || ''}${r.stderr}`);
  }
  fs.renameSync(tmp, t.binary); // whole binaries only, also with a test and run.js building at once
  return { built: true, cmd };
}

// Plain files of a folder (sorted), or [] when it does not exist.
function filesIn(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => !f.startsWith('.')).map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile()).sort();
}

module.exports = { root, fuzzDir, outDir, targets, build, checkToolchain, cleanEnv, filesIn };
