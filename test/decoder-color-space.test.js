'use strict';
// The colour space of decoded frames (issue 10 item 3):
// - a VideoDecoderConfig.colorSpace overrides only the members it sets: `{}` keeps the stream's
//   in-band description, a partial dictionary replaces just its non-null members;
// - VP9 frames report all four members derived from the bitstream's color_space field, as Chrome
//   does (BT.601 -> smpte170m x3, BT.709 -> bt709 x3, BT.2020 -> bt2020 / bt2020-ncl, sRGB -> sRGB).
// Streams are made here with the ffmpeg CLI (libvpx-vp9, libx264) from one solid colour, and every
// check also converts a decoded frame to RGBA: the colours must be those of the reported colour space
// (computed here from the frame's own Y/U/V bytes) and, where it matches the encoding, the source colour.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { VideoDecoder, EncodedVideoChunk } = require('..');

const SRC = [0xc0, 0x30, 0x20]; // the source colour of every stream
const SIZE = 64; // below 720 lines: a frame without a matrix is converted as BT.601, so a lost BT.709 shows
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-dec-cs-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

let demuxP;
const demux = () => (demuxP ??= import('./helpers/demux.mjs'));

// One 2-frame stream of the source colour: encoded with `matrix` ('bt601' | 'bt709' | 'bt2020') and `range`.
function makeStream(name, { codec, matrix, range = 'tv', tag, pixFmt = 'yuv420p' }) {
  const file = path.join(dir, name);
  const vf = pixFmt === 'gbrp' ? 'format=gbrp' : `scale=out_color_matrix=${matrix}:out_range=${range},format=${pixFmt}`;
  const enc = codec === 'vp9' ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-f', 'ivf']
    : ['-c:v', 'libx264', '-preset', 'ultrafast', '-bsf:v', 'h264_metadata=aud=remove', '-f', 'h264'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${SRC.map((v) => v.toString(16)).join('')}:size=${SIZE}x${SIZE}:rate=30`,
    '-frames:v', '2', '-vf', vf, ...(tag ?? []), '-color_range', range, ...enc, file]);
  return file;
}

async function decodeFirst(file, colorSpace) {
  const { loadTrack } = await demux();
  const t = loadTrack(file);
  let frame = null;
  let error = null;
  const dec = new VideoDecoder({ output(f) { if (frame) f.close(); else frame = f; }, error(e) { error = e; } });
  const config = { codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight };
  if (t.description) config.description = t.description;
  if (colorSpace !== undefined) config.colorSpace = colorSpace;
  dec.configure(config);
  for (const c of t.chunks) dec.decode(new EncodedVideoChunk(c));
  await dec.flush();
  dec.close();
  assert.equal(error, null, `${path.basename(file)}: ${error}`);
  assert.ok(frame, `${path.basename(file)}: no frame`);
  return frame;
}

// FFmpeg's own conversion (swscale, as `ffmpeg -vf scale=in_color_matrix=..:in_range=..`) of the file's first frame
// to RGBA, read at the centre: the reference for a frame converted by the colour space it reports.
const FF_MATRIX = { bt709: 'bt709', smpte170m: 'bt601', bt470bg: 'bt601', 'bt2020-ncl': 'bt2020' };
function ffmpegCentre(file, matrix, fullRange) {
  const rgba = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-vf',
    `scale=in_color_matrix=${FF_MATRIX[matrix]}:in_range=${fullRange ? 'pc' : 'tv'},format=rgba`, '-f', 'rawvideo', '-']);
  const i = ((SIZE / 2) * SIZE + SIZE / 2) * 4;
  return [rgba[i], rgba[i + 1], rgba[i + 2]];
}

async function centreRgb(frame) {
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  await frame.copyTo(rgba, { format: 'RGBA' });
  const i = ((SIZE / 2) * SIZE + SIZE / 2) * 4;
  return [rgba[i], rgba[i + 1], rgba[i + 2]];
}

function near(got, want, tol, what) {
  assert.ok(got.every((v, i) => Math.abs(v - want[i]) <= tol), `${what}: got [${got}], want [${want}] (±${tol})`);
}

// The RGBA conversion follows the colour space the frame reports (FFmpeg's conversion of the same stream with that
// matrix and range: a frame without a matrix is converted as BT.601 at this size); `source` also compares with the
// source colour, for a colour space that is the one the stream was encoded with.
async function checkColour(frame, file, what, { source }) {
  const cs = frame.colorSpace;
  const rgb = await centreRgb(frame);
  near(rgb, ffmpegCentre(file, cs.matrix ?? 'smpte170m', cs.fullRange === true), 1, `${what}: RGBA as FFmpeg converts ${cs.matrix}/${cs.fullRange}`);
  if (source) near(rgb, SRC, 4, `${what}: the source colour`);
  return rgb;
}

const members = (frame) => frame.colorSpace.toJSON();

// ------------------------------------------------------------------ VP9: four members from color_space
const VP9_CASES = [
  // [name, ffmpeg tags, encoding matrix, range, expected colorSpace]
  ['bt601', ['-colorspace', 'bt470bg'], 'bt601', 'tv', { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false }],
  ['smpte170', ['-colorspace', 'smpte170m'], 'bt601', 'tv', { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false }],
  ['bt709', ['-colorspace', 'bt709'], 'bt709', 'tv', { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false }],
  ['bt709-full', ['-colorspace', 'bt709'], 'bt709', 'pc', { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: true }],
  // 8-bit BT.2020: Chrome's transfer is BT.709 (the same curve); at 10/12 bits BT2020_10/12, which have no
  // VideoTransferCharacteristics value (null), see the 10-bit test below.
  ['bt2020', ['-colorspace', 'bt2020nc'], 'bt2020', 'tv', { primaries: 'bt2020', transfer: 'bt709', matrix: 'bt2020-ncl', fullRange: false }],
];

for (const [name, tag, matrix, range, want] of VP9_CASES) {
  test(`VP9 color_space ${name}: the frame reports ${JSON.stringify(want)} and converts by it`, async () => {
    const file = makeStream(`vp9-${name}.ivf`, { codec: 'vp9', matrix, range, tag });
    const frame = await decodeFirst(file);
    assert.equal(frame.format, 'I420');
    assert.deepEqual(members(frame), want);
    await checkColour(frame, file, name, { source: true });
    frame.close();
  });
}

test('VP9 color_space BT.2020 at 10 bits: bt2020 primaries and matrix, transfer null (BT2020_10 has no WebCodecs value)', async () => {
  const frame = await decodeFirst(makeStream('vp9-bt2020-10.ivf', { codec: 'vp9', matrix: 'bt2020', tag: ['-colorspace', 'bt2020nc'], pixFmt: 'yuv420p10le' }));
  assert.equal(frame.format, 'I420P10');
  assert.deepEqual(members(frame), { primaries: 'bt2020', transfer: null, matrix: 'bt2020-ncl', fullRange: false });
  frame.close();
});

test('VP9 sRGB (profile 1 GBR): bt709 primaries, sRGB transfer; the planes come out as BT.709 full-range I444', async () => {
  const frame = await decodeFirst(makeStream('vp9-srgb.ivf', { codec: 'vp9', pixFmt: 'gbrp', range: 'pc' }));
  assert.equal(frame.format, 'I444');
  // the GBR planes are converted to YUV with BT.709 at full range (there is no planar RGB VideoPixelFormat),
  // so the matrix is the one of the pixels handed out, not "rgb"
  assert.deepEqual(members(frame), { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt709', fullRange: true });
  // GBR -> YUV -> RGBA: the source colour comes back (FFmpeg converts the GBR planes directly)
  near(await centreRgb(frame), SRC, 2, 'sRGB');
  frame.close();
});

test('VP9 without a color_space (CS_UNKNOWN): nothing invented', async () => {
  const frame = await decodeFirst(makeStream('vp9-unknown.ivf', { codec: 'vp9', matrix: 'bt601' }));
  // no description in the stream: the spec's default for a YUV frame (REC709), as before
  assert.deepEqual(members(frame), { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
  frame.close();
});

// ------------------------------------------------------------------ VideoDecoderConfig.colorSpace overrides members
const STREAMS = {
  vp9: () => makeStream('ovr-vp9.ivf', { codec: 'vp9', matrix: 'bt709', tag: ['-colorspace', 'bt709'] }),
  h264: () => makeStream('ovr-h264.h264', { codec: 'h264', matrix: 'bt709', tag: ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709'] }),
};
const IN_BAND = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };

for (const [codec, make] of Object.entries(STREAMS)) {
  test(`${codec}: colorSpace {} and all-null keep the in-band description (and its colours)`, async () => {
    const file = make();
    for (const override of [{}, { primaries: null, transfer: null, matrix: null, fullRange: null }, undefined]) {
      const frame = await decodeFirst(file, override);
      assert.deepEqual(members(frame), IN_BAND, JSON.stringify(override));
      await checkColour(frame, file, `${codec} ${JSON.stringify(override)}`, { source: true });
      frame.close();
    }
  });

  test(`${codec}: a partial colorSpace overrides only its non-null members`, async () => {
    const file = make();
    const cases = [
      [{ fullRange: true }, { ...IN_BAND, fullRange: true }],
      [{ matrix: 'smpte170m' }, { ...IN_BAND, matrix: 'smpte170m' }],
      [{ primaries: 'bt2020', transfer: 'pq' }, { ...IN_BAND, primaries: 'bt2020', transfer: 'pq' }],
      [{ primaries: null, matrix: 'bt470bg', fullRange: false }, { ...IN_BAND, matrix: 'bt470bg' }],
      [{ primaries: 'smpte432', transfer: 'hlg', matrix: 'bt2020-ncl', fullRange: true },
        { primaries: 'smpte432', transfer: 'hlg', matrix: 'bt2020-ncl', fullRange: true }],
    ];
    const reference = await checkColour(await decodeFirst(file), file, `${codec} in-band`, { source: true });
    for (const [override, want] of cases) {
      const frame = await decodeFirst(file, override);
      assert.deepEqual(members(frame), want, JSON.stringify(override));
      const rgb = await checkColour(frame, file, `${codec} ${JSON.stringify(override)}`, { source: false });
      if (override.matrix || override.fullRange) {
        // a different matrix or range really changes the conversion
        assert.ok(rgb.some((v, i) => Math.abs(v - reference[i]) > 4), `${JSON.stringify(override)} converted as the in-band description`);
      }
      frame.close();
    }
  });
}

test('no in-band description: {} gives the default, a partial colorSpace just its members', async () => {
  // H.264 without colour description or range in its VUI (FFmpeg's default conversion to yuv420p is BT.601 limited)
  const file = path.join(dir, 'plain.h264');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0xc03020:size=${SIZE}x${SIZE}:rate=30`,
    '-frames:v', '2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'h264', file]);
  let frame = await decodeFirst(file, {});
  assert.deepEqual(members(frame), IN_BAND, 'the spec\'s default for a YUV frame (REC709), as without a colorSpace');
  frame.close();
  frame = await decodeFirst(file, { matrix: 'smpte170m' });
  assert.deepEqual(members(frame), { primaries: null, transfer: null, matrix: 'smpte170m', fullRange: null });
  await checkColour(frame, file, 'h264 smpte170m', { source: true });
  frame.close();
});

test('isConfigSupported and the active config echo the colorSpace as given', async () => {
  const r = await VideoDecoder.isConfigSupported({ codec: 'vp8', colorSpace: { matrix: 'bt709' } });
  assert.deepEqual(r.config.colorSpace, { primaries: null, transfer: null, matrix: 'bt709', fullRange: null });
  const e = await VideoDecoder.isConfigSupported({ codec: 'vp8', colorSpace: {} });
  assert.deepEqual(e.config.colorSpace, { primaries: null, transfer: null, matrix: null, fullRange: null });
});
