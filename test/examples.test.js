'use strict';
// Every program in examples/ runs as written (a child process of the runtime running this test,
// importing 'webcodecs-native' by name as a user's code does) on small inputs, and its result is
// checked with the ffmpeg CLI: the frames' MD5s and timestamps against ffmpeg's framemd5, PNG pixels
// against ffmpeg's own RGB conversion, output files by ffprobe (codecs, frame counts, durations) and
// by their decoded content. The README's quotes of the examples must be the files' own text.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const S = require('./helpers/synth');

const root = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'testsrc2-320x240-h264.mp4');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-examples-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(name, ...args) {
  const r = spawnSync(process.execPath, [path.join(root, 'examples', name), ...args], { cwd: dir, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `${name} exit status ${r.status} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const ffmpeg = (...args) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 28 });
function probe(file) {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries',
    'stream=codec_type,codec_name,width,height,pix_fmt,sample_rate,channels,nb_read_frames:format=duration:frame=pts_time,best_effort_timestamp_time',
    '-of', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  return { streams: j.streams, duration: Number(j.format.duration), frames: j.frames || [] };
}
// a player's view: the whole file decodes without one message
function playsClean(file) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `${file}: ffmpeg decode messages`);
}
function psnr(a, b) {
  assert.equal(a.length, b.length);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}

test('examples/decode-to-png.mjs: every frame bit-exact with ffmpeg (framemd5, timestamps); PNGs are ffmpeg\'s RGB picture', async () => {
  const out = run('decode-to-png.mjs', FIXTURE, path.join(dir, 'png'), '3');
  const frames = [...out.matchAll(/^frame (\d+) (-?\d+) us (\w+) ([0-9a-f]{32})$/gm)].map((m) => ({ n: Number(m[1]), ts: Number(m[2]), format: m[3], md5: m[4] }));
  const md5 = ffmpeg('-i', FIXTURE, '-map', '0:v:0', '-fps_mode', 'passthrough', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-').toString()
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
  const { loadTrack } = await import('./helpers/demux.mjs');
  const timestamps = loadTrack(FIXTURE).chunks.map((c) => c.timestamp).sort((a, b) => a - b);
  assert.equal(md5.length, 150);
  assert.equal(frames.length, 150, out);
  assert.match(out, /^150 frames$/m);
  frames.forEach((f, i) => {
    assert.equal(f.n, i, 'frames in output order');
    assert.equal(f.format, 'I420');
    assert.equal(f.md5, md5[i], `frame ${i}: MD5 against ffmpeg's framemd5`);
    // Mediabunny truncates the container's times to whole microseconds, the demuxer of our tests rounds them
    assert.ok(Math.abs(f.ts - timestamps[i]) <= 1, `frame ${i}: timestamp ${f.ts}, in the file ${timestamps[i]}`);
  });
  const pngs = fs.readdirSync(path.join(dir, 'png')).sort();
  assert.deepEqual(pngs, ['frame-0000.png', 'frame-0001.png', 'frame-0002.png']);
  for (const [n, name] of pngs.entries()) {
    const file = path.join(dir, 'png', name);
    const s = probe(file).streams[0];
    assert.deepEqual([s.codec_name, s.width, s.height, s.pix_fmt], ['png', 320, 240, 'rgba'], name);
    const ours = ffmpeg('-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
    const theirs = ffmpeg('-i', FIXTURE, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-');
    const p = psnr(ours, theirs);
    assert.ok(p >= 40, `${name}: PSNR ${p.toFixed(1)} dB against ffmpeg's RGB of frame ${n}`);
  }
});

test('examples/encode-mp4.mjs: an H.264 MP4 of 60 frames at i/30 s, 2.0 s, the moving square where it is drawn', () => {
  const W = 320, H = 180, file = path.join(dir, 'encoded.mp4');
  assert.match(run('encode-mp4.mjs', file, '2', String(W), String(H)), /60 frames, 320x180/);
  const p = probe(file);
  assert.equal(p.streams.length, 1);
  const s = p.streams[0];
  assert.deepEqual([s.codec_name, s.width, s.height, s.pix_fmt, Number(s.nb_read_frames)], ['h264', W, H, 'yuv420p', 60]);
  assert.ok(Math.abs(p.duration - 2) <= 0.05, `duration ${p.duration}`);
  p.frames.forEach((f, i) => assert.ok(Math.abs(Number(f.pts_time ?? f.best_effort_timestamp_time) - i / 30) <= 0.001, `frame ${i} at ${f.pts_time}`));
  playsClean(file);
  // the square (side H/4, white) in the middle row of frames 0, 30, 59: its left edge moves from 0 to W - H/4
  const luma = ffmpeg('-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', '-');
  const side = H >> 2;
  for (const i of [0, 30, 59]) {
    const row = luma.subarray(i * W * H + (H >> 1) * W, i * W * H + ((H >> 1) + 1) * W);
    const white = [...row.keys()].filter((x) => row[x] > 200);
    const left = Math.round((i / 59) * (W - side));
    assert.ok(white.length >= side - 2 && white.length <= side + 2, `frame ${i}: ${white.length} white pixels, square side ${side}`);
    assert.ok(Math.abs(white[0] - left) <= 2, `frame ${i}: square at x = ${white[0]}, drawn at ${left}`);
    assert.ok(row[0] < 120 || left === 0, `frame ${i}: background dark`);
  }
});

// a 2 s MP4 (the H.264 fixture's first 60 frames + an AAC 440 Hz tone), made by the ffmpeg CLI
function avSource() {
  const file = path.join(dir, 'av.mp4');
  if (!fs.existsSync(file)) {
    ffmpeg('-i', FIXTURE, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2', '-map', '0:v', '-map', '1:a', '-t', '2',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', file);
  }
  return file;
}

for (const [ext, vcodec, acodec] of [['webm', 'vp9', 'opus'], ['mp4', 'h264', 'aac']]) {
  test(`examples/convert.mjs: MP4 (H.264 + AAC) -> ${ext} (${vcodec} + ${acodec}), progress 0..100%, 60 frames, 2 s, the source picture`, () => {
    const src = avSource(), file = path.join(dir, `converted.${ext}`);
    const out = run('convert.mjs', src, file);
    // not a terminal here: one progress line per 10%, in order, ending at 100%
    const percents = [...out.matchAll(/^\[[#-]{30}\] +(\d+)%/gm)].map((m) => Number(m[1]));
    assert.ok(percents.length >= 2 && percents.at(-1) === 100, out);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only grows');
    assert.match(out, /done in [\d.]+ s/);
    const p = probe(file);
    const v = p.streams.find((s) => s.codec_type === 'video'), a = p.streams.find((s) => s.codec_type === 'audio');
    assert.deepEqual([v.codec_name, v.width, v.height, Number(v.nb_read_frames)], [vcodec, 320, 240, 60]);
    assert.deepEqual([a.codec_name, Number(a.sample_rate), a.channels], [acodec, 48000, 2]);
    assert.ok(Math.abs(p.duration - 2) <= 0.1, `duration ${p.duration}`);
    playsClean(file);
    const ref = S.ffmpegDecodeI420(fs.readFileSync(src), 'mp4', 320, 240);
    const got = S.ffmpegDecodeI420(fs.readFileSync(file), ext, 320, 240);
    assert.equal(got.length, 60);
    const mean = got.reduce((sum, f, i) => sum + S.psnr(f, ref[i]), 0) / 60;
    assert.ok(mean >= 28, `mean PSNR ${mean.toFixed(1)} dB against the source`);
  });
}

for (const ext of ['webm', 'ogg']) {
  test(`examples/transcode-audio.mjs: MP3 44.1 kHz -> Opus in ${ext}: 48 kHz stereo, 3 s, still the 440 Hz tone at its level`, () => {
    const src = path.join(dir, 'tone.mp3');
    if (!fs.existsSync(src)) ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=3', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', src);
    const file = path.join(dir, `tone.${ext}`);
    assert.match(run('transcode-audio.mjs', src, file), /\(mp3, 44100 Hz, 2 ch\) -> .* \(Opus 96000 bit\/s, \d+ packets\)/);
    const p = probe(file);
    assert.equal(p.streams.length, 1);
    const a = p.streams[0];
    assert.deepEqual([a.codec_name, Number(a.sample_rate), a.channels], ['opus', 48000, 2]);
    // the MP3's own priming and padding (about 50 ms in all) are kept, as Mediabunny reads them
    assert.ok(p.duration >= 2.98 && p.duration <= 3.1, `duration ${p.duration}`);
    playsClean(file);
    // decoded by ffmpeg: from 0.5 s to 2.5 s, the power is the tone's (amplitude 1/8) and all at 440 Hz
    const pcm = ffmpeg('-i', file, '-ac', '1', '-ar', '48000', '-f', 'f32le', '-');
    const x = new Float32Array(pcm.buffer, pcm.byteOffset, pcm.length / 4).subarray(24000, 120000);
    let power = 0, re = 0, im = 0;
    x.forEach((v, i) => { power += v * v; re += v * Math.cos((2 * Math.PI * 440 * i) / 48000); im += v * Math.sin((2 * Math.PI * 440 * i) / 48000); });
    const rms = Math.sqrt(power / x.length), atTone = (2 * (re * re + im * im)) / x.length / power;
    assert.ok(Math.abs(rms - 0.125 / Math.SQRT2) < 0.01, `RMS ${rms.toFixed(4)}, the tone's is ${(0.125 / Math.SQRT2).toFixed(4)}`);
    assert.ok(atTone > 0.98, `${(atTone * 100).toFixed(2)}% of the power at 440 Hz`);
  });
}

test('README: the Examples section lists every example, and its quotes are the files\' own text', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Examples\n'), readme.indexOf('\n## ', readme.indexOf('\n## Examples\n') + 5));
  assert.ok(section.length > 100, 'README has an "## Examples" section');
  const names = fs.readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.mjs'));
  assert.equal(names.length, 4);
  for (const n of names) assert.ok(section.includes(`examples/${n}`), `README lists examples/${n}`);
  const quotes = [...section.matchAll(/```js\n\/\/ examples\/([\w-]+\.mjs)[^\n]*\n([\s\S]*?)```/g)];
  assert.ok(quotes.length >= 2, 'README quotes examples');
  for (const [, name, body] of quotes) {
    assert.ok(fs.readFileSync(path.join(root, 'examples', name), 'utf8').includes(body), `README's quote of examples/${name} is not the file's text`);
  }
});
