'use strict';
// Config validity as the spec's "valid ...Config" steps and the browsers check it, in both
// directions: what is invalid is a TypeError (configure() throws, isConfigSupported() rejects);
// what is valid but cannot be done is `supported: false` / a NotSupportedError through the error
// callback, never a TypeError. (issue 10 item 6)
const test = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoDecoder, AudioEncoder, AudioDecoder, VideoFrame } = require('..');

const isType = (e) => e instanceof TypeError && e.name === 'TypeError';
const VE = { codec: 'vp8', width: 64, height: 48 };
const AE = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };
const CLASSES = [
  ['VideoEncoder', VideoEncoder, (codec) => ({ ...VE, codec })],
  ['VideoDecoder', VideoDecoder, (codec) => ({ codec })],
  ['AudioEncoder', AudioEncoder, (codec) => ({ ...AE, codec })],
  ['AudioDecoder', AudioDecoder, (codec) => ({ ...AE, codec })],
];

// The config is invalid: configure() throws a TypeError (state unchanged), isConfigSupported() rejects with one.
async function invalid(Cls, config, re, what) {
  const c = new Cls({ output() {}, error() {} });
  assert.throws(() => c.configure(config), (e) => isType(e) && re.test(e.message), `${what}: configure`);
  assert.equal(c.state, 'unconfigured', `${what}: state after the throw`);
  c.close();
  await assert.rejects(Cls.isConfigSupported(config), (e) => isType(e) && re.test(e.message), `${what}: isConfigSupported`);
}

// The config is valid: isConfigSupported() resolves with `supported` as given; configure() does not
// throw, and an unsupported one reaches the error callback as NotSupportedError (and closes).
async function valid(Cls, config, supported, what) {
  const r = await Cls.isConfigSupported(config);
  assert.equal(r.supported, supported, `${what}: supported`);
  assert.equal(r.config.codec, config.codec, `${what}: the codec string is echoed unchanged`);
  const errors = [];
  const c = new Cls({ output(o) { o.close?.(); }, error(e) { errors.push(e); } });
  c.configure(config);
  assert.equal(c.state, 'configured', `${what}: configure() did not throw`);
  await c.flush().catch(() => {});
  if (supported) {
    assert.deepEqual(errors, [], `${what}: no error`);
    c.close();
  } else {
    assert.equal(errors.length, 1, `${what}: one error`);
    assert.ok(errors[0] instanceof DOMException && errors[0].name === 'NotSupportedError', `${what}: ${errors[0]}`);
    assert.equal(c.state, 'closed', `${what}: closed by the error`);
  }
  return r;
}

test('bitrate 0 is a TypeError for VideoEncoder (WPT "bitrate is present but zero"; Chrome), except in quantizer mode', async () => {
  for (const codec of ['vp8', 'vp09.00.10.08', 'avc1.42001E', 'av01.0.04M.08']) {
    for (const bitrateMode of [undefined, 'constant', 'variable']) {
      await invalid(VideoEncoder, { ...VE, codec, bitrate: 0, bitrateMode }, /VideoEncoderConfig\.bitrate: must be greater than 0/,
        `${codec} bitrate 0 bitrateMode ${bitrateMode}`);
    }
  }
  // Chrome ignores bitrate in "quantizer" mode and so accepts 0 there; the smallest positive bitrate is valid
  await valid(VideoEncoder, { ...VE, bitrate: 0, bitrateMode: 'quantizer' }, true, 'quantizer mode, bitrate 0');
  await valid(VideoEncoder, { ...VE, bitrate: 1 }, true, 'bitrate 1');
});

test('bitrate 0 is a TypeError for AudioEncoder, every codec (w3c/webcodecs#860; WPT "Bit rate present but equal to zero")', async () => {
  for (const codec of ['opus', 'mp4a.40.2', 'mp3', 'flac', 'vorbis', 'pcm-s16', 'ulaw', 'alaw']) {
    for (const bitrateMode of ['constant', 'variable']) {
      await invalid(AudioEncoder, { ...AE, codec, bitrate: 0, bitrateMode }, /AudioEncoderConfig\.bitrate: must be greater than 0/,
        `${codec} bitrate 0 ${bitrateMode}`);
    }
  }
});

test('codec strings: only ASCII whitespace (TAB LF FF CR SPACE) counts as empty; other blanks are valid, unrecognised codecs', async () => {
  for (const [name, Cls, cfg] of CLASSES) {
    for (const blank of ['', ' ', '\t\n\f\r ']) {
      await invalid(Cls, cfg(blank), /codec: must not be empty/, `${name} codec ${JSON.stringify(blank)}`);
    }
    // U+000B (vertical tab), U+00A0, U+2028, U+3000 and U+FEFF are whitespace to String.prototype.trim but
    // not ASCII whitespace: the config is valid, and the codec string is simply not one this library knows.
    for (const odd of ['\u000b', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u00a0vp8\u00a0']) {
      await valid(Cls, cfg(odd), false, `${name} codec ${JSON.stringify(odd)}`);
    }
    // A recognised codec string padded with spaces is not trimmed into a supported one (WPT "codec with spaces")
    const known = name.startsWith('Video') ? 'vp8' : 'opus';
    await valid(Cls, cfg(`  ${known}  `), false, `${name} codec "  ${known}  "`);
  }
});

test('VideoEncoder framerate 0 or below is valid but unsupported (not a TypeError); NaN/Infinity are WebIDL TypeErrors', async () => {
  for (const framerate of [0, -0, -30, -1e-9]) {
    await valid(VideoEncoder, { ...VE, framerate }, false, `framerate ${framerate}`);
  }
  for (const framerate of [NaN, Infinity, -Infinity]) {
    await invalid(VideoEncoder, { ...VE, framerate }, /VideoEncoderConfig\.framerate: expected a finite number/, `framerate ${framerate}`);
  }
  await valid(VideoEncoder, { ...VE, framerate: 0.5 }, true, 'framerate 0.5');
});

test('VideoEncoder display sizes: 0 is a TypeError; either member alone is valid and defaults the other to the coded size', async () => {
  await invalid(VideoEncoder, { ...VE, displayWidth: 0 }, /displayWidth and displayHeight must not be 0/, 'displayWidth 0');
  await invalid(VideoEncoder, { ...VE, displayHeight: 0 }, /displayWidth and displayHeight must not be 0/, 'displayHeight 0');
  await invalid(VideoEncoder, { ...VE, width: 0 }, /width and height must not be 0/, 'width 0');
  await invalid(VideoEncoder, { ...VE, height: 0 }, /width and height must not be 0/, 'height 0');
  for (const [extra, aspect] of [[{ displayWidth: 128 }, [128, 48]], [{ displayHeight: 96 }, [64, 96]], [{ displayWidth: 128, displayHeight: 96 }, [128, 96]]]) {
    const r = await VideoEncoder.isConfigSupported({ ...VE, ...extra });
    assert.equal(r.supported, true, JSON.stringify(extra));
    assert.deepEqual([r.config.displayWidth, r.config.displayHeight], [extra.displayWidth, extra.displayHeight], 'only the given members are echoed');
    let meta = null;
    const e = new VideoEncoder({ output(c, m) { if (m?.decoderConfig) meta = m.decoderConfig; }, error(x) { throw x; } });
    e.configure({ ...VE, ...extra });
    const f = new VideoFrame(new Uint8Array(64 * 48 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 48, timestamp: 0 });
    e.encode(f);
    f.close();
    await e.flush();
    e.close();
    assert.deepEqual([meta.displayAspectWidth, meta.displayAspectHeight], aspect, `decoderConfig display aspect for ${JSON.stringify(extra)}`);
  }
});

test('VideoEncoder members that are valid whatever their value: contentHint, scalabilityMode, alpha, bitrateMode "quantizer"', async () => {
  // contentHint: "MUST NOT refuse the configuration if it doesn't support this content hint"
  for (const contentHint of ['', 'motion', 'detail', 'text', 'bogus']) {
    const r = await valid(VideoEncoder, { ...VE, contentHint }, true, `contentHint ${JSON.stringify(contentHint)}`);
    assert.equal(r.config.contentHint, contentHint);
  }
  // scalabilityMode is a DOMString: an unknown or unimplemented mode is unsupported, not invalid (w3c/webcodecs#744)
  for (const scalabilityMode of ['', 'L2T82', 'S2T1', 'L3T3_KEY', 'bogus']) {
    await valid(VideoEncoder, { ...VE, scalabilityMode }, false, `scalabilityMode ${JSON.stringify(scalabilityMode)}`);
  }
  await valid(VideoEncoder, { ...VE, scalabilityMode: 'L1T1' }, true, 'L1T1');
  // alpha "keep" is valid for every codec; only VP8/VP9 can carry it here
  await valid(VideoEncoder, { ...VE, alpha: 'keep' }, true, 'alpha keep VP8');
  await valid(VideoEncoder, { ...VE, codec: 'avc1.42001E', alpha: 'keep' }, false, 'alpha keep H.264');
  await valid(VideoEncoder, { ...VE, bitrateMode: 'quantizer' }, true, 'bitrateMode quantizer');
  // enumerations are WebIDL TypeErrors
  await invalid(VideoEncoder, { ...VE, alpha: 'preserve' }, /alpha: expected one of/, 'alpha preserve');
  await invalid(VideoEncoder, { ...VE, bitrateMode: 'cbr' }, /bitrateMode: expected one of/, 'bitrateMode cbr');
  await invalid(VideoEncoder, { ...VE, latencyMode: 'fast' }, /latencyMode: expected one of/, 'latencyMode fast');
  await invalid(AudioEncoder, { ...AE, bitrateMode: 'quantizer' }, /bitrateMode: expected one of "constant", "variable"/, 'AudioEncoder quantizer');
});

test('VideoDecoderConfig: coded and display-aspect sizes come in non-zero pairs', async () => {
  const D = { codec: 'vp8' };
  await invalid(VideoDecoder, { ...D, codedWidth: 64 }, /codedWidth and codedHeight must be given together/, 'codedWidth alone');
  await invalid(VideoDecoder, { ...D, codedHeight: 48 }, /codedWidth and codedHeight must be given together/, 'codedHeight alone');
  await invalid(VideoDecoder, { ...D, codedWidth: 0, codedHeight: 48 }, /must not be 0/, 'codedWidth 0');
  await invalid(VideoDecoder, { ...D, displayAspectWidth: 16 }, /displayAspectWidth and displayAspectHeight must be given together/, 'aspect width alone');
  await invalid(VideoDecoder, { ...D, displayAspectWidth: 16, displayAspectHeight: 0 }, /must not be 0/, 'aspect height 0');
  await valid(VideoDecoder, { ...D, codedWidth: 64, codedHeight: 48, displayAspectWidth: 16, displayAspectHeight: 9 }, true, 'both pairs');
});

test('Audio configs: sampleRate and numberOfChannels 0 are TypeErrors (WPT, Chrome)', async () => {
  for (const Cls of [AudioEncoder, AudioDecoder]) {
    await invalid(Cls, { ...AE, sampleRate: 0 }, /sampleRate: must not be 0/, `${Cls.name} sampleRate 0`);
    await invalid(Cls, { ...AE, numberOfChannels: 0 }, /numberOfChannels: must not be 0/, `${Cls.name} numberOfChannels 0`);
  }
});

// A valid config the encoder itself refuses (HEVC level 3.1 allows 33.2 Msamples/s: 64x64 at 50,000
// frames/s is over it, so libx265 does not open): supported false, and configure() closes the encoder
// with NotSupportedError by itself, before any frame (the spec's "Check Configuration Support" in
// configure); it was an EncodingError at the first frame, and nothing at all without one.
// libx265 writes its own messages to stderr: nothing may reach the application's output.
test('an encoder that refuses to open the config: supported false, NotSupportedError at configure, nothing on stderr', async () => {
  await valid(VideoEncoder, { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, framerate: 50000 }, false, 'HEVC L3.1 at 50,000 fps');
  await valid(VideoEncoder, { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, framerate: 30 }, true, 'HEVC L3.1 at 30 fps');
  const { spawnSync } = require('node:child_process');
  const child = `const { VideoEncoder } = require(${JSON.stringify(require.resolve('..'))});
    (async () => {
      const cfg = { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, framerate: 50000 };
      const r = await VideoEncoder.isConfigSupported(cfg);
      const e = new VideoEncoder({ output() {}, error(x) { process.stdout.write(x.name); } });
      e.configure(cfg);
      await e.flush().catch(() => {});
      process.stdout.write(' ' + r.supported);
    })();`;
  const r = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', env: { ...process.env, WEBCODECS_NATIVE_FFMPEG_LOG: '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'NotSupportedError false');
  assert.equal(r.stderr, '', 'nothing written to stderr');
});
