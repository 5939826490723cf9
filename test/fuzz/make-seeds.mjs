#!/usr/bin/env node
// Writes the seed corpora of the fuzz targets (test/fuzz/corpus/<target>/) from the
// test clips in test/fuzz/../fixtures, with the demux helpers of test/helpers/demux.mjs.
//
//   node test/fuzz/make-seeds.mjs        (re)writes every seed-* file; deterministic output
//
// When an ffmpeg command line tool with libx264/libx265/libvpx/libaom is on PATH, it also (re)writes the
// decode_<codec>/seedx-* seeds: tiny 64x48 clips in the formats the test clips lack (4:0:0, RGB (gbrp),
// 4:4:0, 4:2:2, 4:4:4 high bit depth, odd sizes), which take the decoder's conversion paths. Without ffmpeg
// the committed seedx-* files are left as they are.
//
// Formats (see the comments at the top of each fuzz_*.c):
//   decode_<codec>  [flags][u16 description length + description if flags & 1]([u32 length][chunk])*
//   bitstream       [op][input]
//   frame           [format][w-1][h-1][rect mode][rect x4 u32][layout mode][8 x u32][size mode][amount][rgb]...
//   codec_string    the string
import { mkdirSync, mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTrack, splitAnnexB, readIVF, av1Obus } from '../helpers/demux.mjs';
import { readFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures');
const corpus = join(here, 'corpus');
const MAX_SEED = 64 * 1024;
let total = 0;

function dir(name) {
  const d = join(corpus, name);
  mkdirSync(d, { recursive: true });
  for (const f of readdirSync(d)) if (f.startsWith('seed-')) rmSync(join(d, f));
  return d;
}

function write(d, name, bytes) {
  if (bytes.length > MAX_SEED) throw new Error(`${name}: ${bytes.length} bytes is over the ${MAX_SEED}-byte seed limit`);
  writeFileSync(join(d, `seed-${name}`), bytes);
  total += bytes.length;
}

const u16 = (n) => [(n >> 8) & 255, n & 255];
const u32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const cat = (parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

// ---------------------------------------------------------------- decode_<codec>

const FLAG_DESC = 1, FLAG_LOW_DELAY = 2, FLAG_RGB = 4, FLAG_CODED_SIZE = 8, FLAG_FLUSH = 16;

function decodeSeed(track, flags, nchunks = 5) {
  const parts = [[flags]];
  if (flags & FLAG_DESC) parts.push(u16(track.description.length), track.description);
  for (const c of track.chunks.slice(0, nchunks)) parts.push(u32(c.data.length), c.data);
  return cat(parts);
}

const decodeSeeds = {
  h264: [
    ['testsrc2-320x240-h264.h264', {}, 0],
    ['testsrc2-320x240-h264.h264', { avcc: true }, FLAG_DESC],
    ['testsrc2-320x240-h264.mp4', {}, FLAG_DESC | FLAG_RGB | FLAG_FLUSH],
    ['testsrc2-322x182-h264.h264', {}, FLAG_LOW_DELAY | FLAG_RGB],
    ['testsrc2-322x182-h264.h264', { avcc: true }, FLAG_DESC | FLAG_CODED_SIZE],
  ],
  hevc: [
    ['testsrc2-320x240-hevc.hevc', {}, 0],
    ['testsrc2-320x240-hevc.hevc', { avcc: true }, FLAG_DESC | FLAG_RGB],
    ['testsrc2-320x240-hevc-10bit.hevc', {}, FLAG_LOW_DELAY | FLAG_FLUSH],
    ['testsrc2-320x240-hevc-10bit.hevc', { avcc: true }, FLAG_DESC | FLAG_RGB | FLAG_CODED_SIZE],
  ],
  vp8: [
    ['testsrc2-320x240-vp8.ivf', {}, 0],
    ['testsrc2-320x240-vp8.ivf', {}, FLAG_LOW_DELAY | FLAG_RGB | FLAG_FLUSH],
  ],
  vp9: [
    ['testsrc2-320x240-vp9.ivf', {}, 0],
    ['testsrc2-320x240-vp9-10bit.ivf', {}, FLAG_RGB | FLAG_FLUSH],
    ['testsrc2-320x240-vp9-444.ivf', {}, FLAG_LOW_DELAY | FLAG_RGB | FLAG_CODED_SIZE],
  ],
  av1: [
    ['testsrc2-320x240-av1.ivf', {}, 0],
    ['testsrc2-320x240-av1-10bit.ivf', {}, FLAG_LOW_DELAY | FLAG_RGB | FLAG_FLUSH],
  ],
};

for (const [codec, list] of Object.entries(decodeSeeds)) {
  const d = dir(`decode_${codec}`);
  for (const [file, opts, flags] of list) {
    const track = loadTrack(join(fixtures, file), opts);
    const name = `${file.replace(/^testsrc2-/, '').replace(/\.\w+$/, '')}${opts.avcc ? '-lp' : ''}-f${flags}`;
    write(d, name, decodeSeed(track, flags));
  }
}

// Extra decoder seeds from clips encoded here with ffmpeg (see the top of the file).
const extraClips = [
  ['h264', 'gray', 'h264', ['-pix_fmt', 'gray', '-c:v', 'libx264'], FLAG_RGB],
  ['h264', 'gbrp', 'h264', ['-pix_fmt', 'gbrp', '-c:v', 'libx264rgb'], FLAG_RGB],
  ['h264', 'yuv422p10', 'h264', ['-pix_fmt', 'yuv422p10', '-c:v', 'libx264'], FLAG_RGB],
  ['h264', 'yuv444p', 'h264', ['-pix_fmt', 'yuv444p', '-c:v', 'libx264'], 0],
  ['hevc', 'gray', 'hevc', ['-pix_fmt', 'gray', '-c:v', 'libx265'], FLAG_RGB],
  ['hevc', 'gray10', 'hevc', ['-pix_fmt', 'gray10', '-c:v', 'libx265'], 0],
  ['hevc', 'gbrp', 'hevc', ['-pix_fmt', 'gbrp', '-c:v', 'libx265'], FLAG_RGB],
  ['hevc', 'yuv444p12', 'hevc', ['-pix_fmt', 'yuv444p12', '-c:v', 'libx265'], FLAG_RGB],
  ['hevc', 'yuv422p10', 'hevc', ['-pix_fmt', 'yuv422p10', '-c:v', 'libx265'], 0],
  ['vp9', 'yuv440p', 'ivf', ['-pix_fmt', 'yuv440p', '-c:v', 'libvpx-vp9'], FLAG_RGB],
  ['vp9', 'gbrp', 'ivf', ['-pix_fmt', 'gbrp', '-c:v', 'libvpx-vp9'], FLAG_RGB],
  ['vp9', 'yuv444p12', 'ivf', ['-pix_fmt', 'yuv444p12', '-c:v', 'libvpx-vp9'], 0],
  ['vp9', 'yuv422p', 'ivf', ['-pix_fmt', 'yuv422p', '-c:v', 'libvpx-vp9'], FLAG_RGB],
  ['av1', 'gray', 'ivf', ['-pix_fmt', 'gray', '-c:v', 'libaom-av1', '-cpu-used', '8'], FLAG_RGB],
  ['av1', 'yuv444p', 'ivf', ['-pix_fmt', 'yuv444p', '-c:v', 'libaom-av1', '-cpu-used', '8'], 0],
  ['av1', 'yuv422p10', 'ivf', ['-pix_fmt', 'yuv422p10', '-c:v', 'libaom-av1', '-cpu-used', '8'], FLAG_RGB],
  ['av1', 'gbrp', 'ivf', ['-pix_fmt', 'gbrp', '-c:v', 'libaom-av1', '-cpu-used', '8'], FLAG_RGB],
  ['av1', '63x47', 'ivf', ['-s', '63x47', '-c:v', 'libaom-av1', '-cpu-used', '8'], FLAG_RGB],
  ['vp8', '63x47', 'ivf', ['-s', '63x47', '-c:v', 'libvpx'], FLAG_RGB],
];

if (spawnSync('ffmpeg', ['-version']).status === 0) {
  const tmp = mkdtempSync(join(tmpdir(), 'wc-fuzz-seeds-'));
  try {
    for (const codec of ['h264', 'hevc', 'vp8', 'vp9', 'av1']) {
      const d = join(corpus, `decode_${codec}`);
      for (const f of readdirSync(d)) if (f.startsWith('seedx-')) rmSync(join(d, f));
    }
    for (const [codec, what, ext, args, flags] of extraClips) {
      const clip = join(tmp, `${codec}-${what}.${ext}`);
      const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
        'testsrc2=s=64x48:r=30', '-frames:v', '4', ...args, ...(codec === 'hevc' ? ['-x265-params', 'log-level=none'] : []),
        clip], { encoding: 'utf8' });
      if (r.status !== 0) {
        console.error(`ffmpeg could not make ${codec} ${what} (skipped): ${r.stderr.trim()}`);
        continue;
      }
      const bytes = decodeSeed(loadTrack(clip), flags);
      writeFileSync(join(corpus, `decode_${codec}`, `seedx-${what}-f${flags}`), bytes);
      total += bytes.length;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  console.error('ffmpeg not found: the decode_*/seedx-* seeds are left as they are');
}

// ---------------------------------------------------------------- bitstream

const OP = { RECORD_CHECK: 0, SPLIT: 1, LP_AVC: 2, LP_AVC_DROP: 3, LP_HEVC: 4, LP_HEVC_DROP: 5, AVCC: 6, HVCC: 7,
  HEVC_SPS: 8, AV1C: 9, AV1_STRIP: 10, HAS_PS: 11 };
{
  const d = dir('bitstream');
  const avc = splitAnnexB(new Uint8Array(readFileSync(join(fixtures, 'testsrc2-320x240-h264.h264'))), 'h264');
  const hevc = splitAnnexB(new Uint8Array(readFileSync(join(fixtures, 'testsrc2-320x240-hevc.hevc'))), 'hevc');
  const hevc10 = splitAnnexB(new Uint8Array(readFileSync(join(fixtures, 'testsrc2-320x240-hevc-10bit.hevc'))), 'hevc');
  const av1 = readIVF(new Uint8Array(readFileSync(join(fixtures, 'testsrc2-320x240-av1.ivf'))));
  const av1TU = av1.frames[0].data;
  const seqObu = [...av1Obus(av1TU)].find((o) => o.type === 1);
  // the whole sequence header OBU (header byte + leb128 size + payload)
  const seqStart = seqObu.start;
  const seqEnd = seqObu.payload.byteOffset - av1TU.byteOffset + seqObu.payload.length;
  const seqBytes = av1TU.subarray(seqStart, seqEnd);
  const avcc = loadTrack(join(fixtures, 'testsrc2-320x240-h264.mp4')).description;
  const hvcc = loadTrack(join(fixtures, 'testsrc2-320x240-hevc.hevc'), { avcc: true }).description;
  const av1c = cat([[0x81, 0x00, 0x0c, 0x00], seqBytes]);
  write(d, 'record-avcc', cat([[OP.RECORD_CHECK], avcc]));
  write(d, 'record-hvcc', cat([[OP.RECORD_CHECK], hvcc]));
  write(d, 'record-av1c', cat([[OP.RECORD_CHECK], av1c]));
  write(d, 'split-avc-au', cat([[OP.SPLIT], avc.accessUnits[0].data]));
  write(d, 'lp-avc-au0', cat([[OP.LP_AVC], avc.accessUnits[0].data]));
  write(d, 'lp-avc-drop-au0', cat([[OP.LP_AVC_DROP], avc.accessUnits[0].data]));
  write(d, 'lp-avc-drop-au1', cat([[OP.LP_AVC_DROP], avc.accessUnits[1].data]));
  write(d, 'lp-hevc-au0', cat([[OP.LP_HEVC], hevc.accessUnits[0].data]));
  write(d, 'lp-hevc-drop-au0', cat([[OP.LP_HEVC_DROP], hevc.accessUnits[0].data]));
  write(d, 'avcc-au0', cat([[OP.AVCC], avc.accessUnits[0].data]));
  write(d, 'hvcc-au0', cat([[OP.HVCC], hevc.accessUnits[0].data]));
  write(d, 'hvcc-10bit-au0', cat([[OP.HVCC], hevc10.accessUnits[0].data]));
  write(d, 'hevc-sps', cat([[OP.HEVC_SPS], hevc.sps]));
  write(d, 'hevc-sps-10bit', cat([[OP.HEVC_SPS], hevc10.sps]));
  write(d, 'av1c-tu0', cat([[OP.AV1C], av1TU]));
  write(d, 'av1c-seq', cat([[OP.AV1C], seqBytes]));
  write(d, 'av1-strip-tu0', cat([[OP.AV1_STRIP], [0x12, 0x00], av1TU]));
  write(d, 'av1-strip-tu1', cat([[OP.AV1_STRIP], av1.frames[1].data]));
  write(d, 'has-ps', cat([[OP.HAS_PS], hevc.accessUnits[0].data]));
}

// ---------------------------------------------------------------- frame

{
  const d = dir('frame');
  const seed = ({ fmt, w = 16, h = 12, rectMode = 0, rect = [0, 0, 0, 0], layoutMode = 0, layout = [], sizeMode = 0,
    amount = 0, rgb = 0, rgbExtra = 0, rgbOffset = 0, rgbSize = 0, transfer = 0, rect2Mode = 0, rect2 = [0, 0, 0, 0] }) => cat([
    [fmt, w - 1, h - 1, rectMode], ...rect.map(u32), [layoutMode],
    ...Array.from({ length: 8 }, (_, i) => u32(layout[i] ?? 0)), [sizeMode, amount, rgb],
    u32(rgbExtra), u32(rgbOffset), [rgbSize, transfer, rect2Mode, ...rect2, 1, 2, 3, 4],
  ]);
  const names = ['I420', 'I420P10', 'I420P12', 'I420A', 'I420AP10', 'I420AP12', 'I422', 'I422P10', 'I422P12', 'I422A',
    'I422AP10', 'I422AP12', 'I444', 'I444P10', 'I444P12', 'I444A', 'I444AP10', 'I444AP12', 'NV12', 'RGBA', 'RGBX',
    'BGRA', 'BGRX'];
  names.forEach((n, fmt) => {
    write(d, `${n}-whole`, seed({ fmt }));
    // an odd-sized frame, an inner rect, reordered planes with gaps; the same rect converted to RGB with a padded
    // stride, into exactly what wc_convert_to_rgb checks (size 0) or the spec's allocationSize (2), through an
    // SwsContext cache (4)
    write(d, `${n}-rect-rgb`, seed({ fmt, w: 21, h: 13, rectMode: 1, rect: [4, 2, 9, 7], layoutMode: 2,
      layout: [3, 1, 2, 3, 0, 5], rgb: 0x80 | (fmt & 3) | 0x08, rgbExtra: 12, rgbOffset: 40,
      rgbSize: fmt % 2 ? 2 : 4, rect2Mode: 1 }));
    // new VideoFrame(buffer, {transfer}) over a buffer with gaps, then copyTo of an inner rect, also to RGB
    write(d, `${n}-transfer-rgb`, seed({ fmt, w: 20, h: 14, layoutMode: 2, layout: [5, 3, 0, 1, 2, 7],
      rgb: 0x80 | ((fmt + 1) & 3) | 0x10, transfer: 1, rect2Mode: 2, rect2: [6, 4, 9, 5] }));
    // the same over a tight buffer (no gaps at all), RGB of the whole frame
    write(d, `${n}-transfer-tight-rgb`, seed({ fmt, w: 7, h: 5, rgb: 0x80 | (fmt & 3), transfer: 1 }));
  });
  write(d, 'I420-layout-small-buffer', seed({ fmt: 0, rectMode: 0, layoutMode: 1,
    layout: [0, 16, 200, 8, 400, 8], sizeMode: 1 }));
  write(d, 'NV12-layout-overlap', seed({ fmt: 18, layoutMode: 1, layout: [0, 16, 100, 16] }));
  write(d, 'I444-layout-huge', seed({ fmt: 12, layoutMode: 3, layout: [0xfffff000, 16, 0, 16, 4096, 16] }));
  write(d, 'RGBA-rgb-short', seed({ fmt: 19, rgb: 0x80 | 2, rgbSize: 1 }));
}

// ---------------------------------------------------------------- codec_string

{
  const d = dir('codec_string');
  const strings = ['avc1.42001e', 'avc1.42E01E', 'avc3.640028', 'avc1.4d401f', 'avc1.64001f', 'avc1.6e0033',
    'avc1.7a0033', 'avc1.f4001f', 'avc1.2c001f', 'avc1.42100b', 'hvc1.1.6.L93.B0', 'hev1.1.6.L93.90',
    'hev1.2.4.L60.90', 'hvc1.2.4.H150.90.00.00.00.00.00', 'hvc1.4.10.L120.9D.08', 'hvc1.0.60000000.L93',
    'hvc1.3.E.L30', 'vp8', 'vp09.00.10.08', 'vp09.02.31.10', 'vp09.01.20.08.03.01.01.01.00',
    'vp09.00.10.08.01.01.01.01.00', 'vp09.03.62.12.02.09.16.09.01', 'av01.0.04M.08', 'av01.1.08H.10',
    'av01.0.04M.10.0.112.09.16.09.0', 'av01.2.08M.12', 'av01.2.31H.12.1.110.01.13.00.1', 'av01.0.00M.08.1.110.01.01.01.0'];
  strings.forEach((s, i) => write(d, `${String(i).padStart(2, '0')}-${s}`, Buffer.from(s)));
}

console.log(JSON.stringify({ corpus: 'test/fuzz/corpus', bytes: total }));
