'use strict';
// Temporal layers (scalabilityMode L1T2 / L1T3) that are real: a frame never references a
// frame of a higher layer, so the chunks of layers 0..k-1 alone (for every k) decode, each
// frame to the picture that was encoded. The pixels of every decoded frame are compared with
// its source: an encoder that only labels an ordinary stream with layer ids fails here
// (VP8 decodes such a base layer into wrong pictures, VP9 stops with "Invalid data").
// Codecs that cannot do it (AV1 through FFmpeg's libaom wrapper, H.264, HEVC) say so in
// isConfigSupported.
const test = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('..');
const S = require('./helpers/synth');

const W = 160;
const H = 120;
const N = 24;
const KEY_AT = 13; // a requested key frame restarts the pattern in the middle of a period
const PATTERNS = { L1T2: [0, 1], L1T3: [0, 2, 1, 2] };
// every frame of every layer subset: the picture the source was, within coding loss
const PSNR_FLOOR = 30;

const indexOf = (timestamp) => Math.round((timestamp * S.FPS) / 1e6);

for (const codec of ['vp8', 'vp09.00.10.08']) {
  for (const [mode, pattern] of Object.entries(PATTERNS)) {
    for (const latencyMode of ['realtime', 'quality']) {
      test(`${codec} ${mode} (${latencyMode}): layers 0..k-1 alone decode every frame to its source, for every k`, async () => {
        const label = `${codec} ${mode} ${latencyMode}`;
        const { chunks, metas, error } = await S.encodeFrames(
          { codec, width: W, height: H, bitrate: 6e5, framerate: 30, scalabilityMode: mode, latencyMode }, N,
          { options: (i) => ({ keyFrame: i === KEY_AT }) });
        assert.equal(error, null, label);
        assert.equal(chunks.length, N, label);
        const ids = metas.map((m) => m.svc && m.svc.temporalLayerId);
        const want = Array.from({ length: N }, (_, i) => pattern[(i < KEY_AT ? i : i - KEY_AT) % pattern.length]);
        assert.deepEqual(ids, want, `${label}: layer ids`);
        assert.equal(chunks[KEY_AT].type, 'key', `${label}: the requested key frame`);
        const config = metas[0].decoderConfig;
        for (let k = 1; k <= Math.max(...pattern) + 1; k++) {
          const subset = chunks.filter((_, i) => ids[i] < k);
          const lib = await S.libDecode(config, subset);
          assert.equal(lib.error, null, `${label}: layers < ${k} decode alone`);
          assert.equal(lib.frames.length, subset.length, `${label}: layers < ${k}: one frame per chunk`);
          lib.frames.forEach((f, j) => {
            assert.equal(f.timestamp, subset[j].timestamp, `${label}: layers < ${k}: frame ${j} timestamp`);
            const i = indexOf(f.timestamp);
            const p = S.psnr(f.bytes, S.packI420(S.i420(i, W, H)));
            assert.ok(p >= PSNR_FLOOR, `${label}: layers < ${k}: frame ${i} (layer ${ids[i]}) PSNR ${p.toFixed(2)} dB < ${PSNR_FLOOR}`);
          });
        }
      });
    }
  }
}

test('scalabilityMode L1T2/L1T3 where the codec cannot layer: isConfigSupported false, configure NotSupportedError', async () => {
  for (const codec of ['av01.0.04M.08', 'avc1.42001f', 'hvc1.1.6.L93.B0']) {
    for (const mode of ['L1T2', 'L1T3']) {
      const config = { codec, width: W, height: H, bitrate: 6e5, scalabilityMode: mode };
      const r = await VideoEncoder.isConfigSupported(config);
      assert.equal(r.supported, false, `${codec} ${mode}`);
      const errors = [];
      const enc = new VideoEncoder({ output() {}, error(e) { errors.push(e); } });
      enc.configure(config);
      await assert.rejects(enc.flush(), (e) => e.name === 'NotSupportedError', `${codec} ${mode}`);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].name, 'NotSupportedError');
      assert.match(errors[0].message, new RegExp(mode));
    }
  }
  for (const codec of ['vp8', 'vp09.00.10.08']) {
    for (const mode of ['L1T2', 'L1T3']) {
      const r = await VideoEncoder.isConfigSupported({ codec, width: W, height: H, bitrate: 6e5, scalabilityMode: mode });
      assert.equal(r.supported, true, `${codec} ${mode}`);
      assert.equal(r.config.scalabilityMode, mode);
    }
  }
});

// Layers cost bits but keep to the configured bitrate: libvpx runs temporal layers in CBR
// whatever bitrateMode says. FFmpeg's wrapper picks CBR only from equal min/max/target rates
// (it has no end-usage option); with bitrateMode "variable" VP9 L1T2/L1T3 once spent 13x the
// budget (6.5 Mb/s for 0.5 Mb/s at 320x240). Each layer prefix also keeps to its share.
test('temporal layers keep the configured bitrate: VP8/VP9, both bitrate modes, both latency modes', async () => {
  const w = 320;
  const h = 240;
  const n = 60;
  const target = 5e5;
  const shares = { L1T2: [0.6, 1], L1T3: [0.4, 0.6, 1] };
  for (const codec of ['vp8', 'vp09.00.10.08']) {
    for (const mode of ['L1T2', 'L1T3']) {
      for (const bitrateMode of ['variable', 'constant']) {
        for (const latencyMode of ['realtime', 'quality']) {
          const label = `${codec} ${mode} ${bitrateMode} ${latencyMode}`;
          const { chunks, metas, error } = await S.encodeFrames(
            { codec, width: w, height: h, bitrate: target, framerate: 30, scalabilityMode: mode, bitrateMode, latencyMode }, n);
          assert.equal(error, null, label);
          const ids = metas.map((m) => m.svc.temporalLayerId);
          shares[mode].forEach((share, k) => {
            // the key frame is paid from the base layer's budget: leave the first second's start out
            const bytes = chunks.reduce((a, c, i) => a + (i >= 4 && ids[i] <= k ? c.byteLength : 0), 0);
            const kbps = (bytes * 8 * 30) / (n - 4) / 1000;
            const want = (target * share) / 1000;
            assert.ok(kbps > want * 0.4 && kbps < want * 1.5,
              `${label}: layers <= ${k} at ${kbps.toFixed(0)} kb/s, budget ${want.toFixed(0)} kb/s`);
          });
        }
      }
    }
  }
});
