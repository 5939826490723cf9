'use strict';
// Scenario: codecs inside worker_threads, and environment teardown.
//   terminate  20 Workers, each decoding the 720p or the 1080p clip, are
//              terminated mid-decode: the even ones at their first output, the
//              odd ones 5-50 ms after their decode() calls. All terminate()
//              promises must resolve; then this (main) thread decodes the 720p
//              clip and must get every frame.
//   terminate-early  the same with 20 Workers terminated 0-50 ms after their
//              creation (loading the addon, constructing a decoder, decoding).
//   terminate-churn  10 Workers, one at a time, that construct, configure and
//              close decoders in a loop, terminated 5-25 ms after they start.
//   natural    Workers that end by themselves without closing their decoder:
//              one flushed, one busy and unflushed, one idle, one with 50 idle
//              decoders; one whose output() throws (the Worker fails with that
//              error, this thread lives on); one that calls process.exit(5)
//              from output() mid-decode. Then this thread decodes the 720p clip.
//   main-exit  6 Workers decode the 720p clip; 20 ms after all of them have
//              started decoding, this thread calls process.exit(4).
// The OS thread count of the process is reported before, at the peak and after.
const path = require('node:path');
const fs = require('node:fs');
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip, sleep, threadCount } = require('./common');
const kit = require('../../helpers/workers');

const mode = modeOrSkip(['terminate', 'terminate-early', 'terminate-churn', 'natural', 'main-exit']);
const WORKER = path.join(__dirname, 'worker-decode.js');

function plainTrack(t) {
  return { codec: t.codec, codedWidth: t.codedWidth, codedHeight: t.codedHeight, description: t.description, chunks: t.chunks };
}

function startWorker(mode, track) {
  return kit.startWorker(WORKER, { mode, track }, { mode });
}

async function decodeInMain(track) {
  const ts = [];
  let error = null;
  const d = new wc.VideoDecoder({ output(f) { ts.push(f.timestamp); f.close(); }, error(e) { error = `${e.name}: ${e.message}`; } });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  await d.flush();
  d.close();
  const want = track.chunks.map((c) => c.timestamp).sort((a, b) => a - b);
  return { frames: ts.length, expected: want.length, timestampsOk: JSON.stringify(ts) === JSON.stringify(want), error };
}

async function terminateMode() {
  const [t1080, t720] = (await Promise.all([loadTrack('testsrc2-1920x1080-h264.h264'), loadTrack('testsrc2-1280x720-h264.mp4')])).map(plainTrack);
  await fs.promises.readFile(__filename); // start libuv's thread pool before counting threads
  const threadsBefore = threadCount();
  const recs = [];
  let threadsPeak = threadsBefore;
  for (let i = 0; i < 20; i++) {
    const rec = startWorker('busy', i % 2 ? t1080 : t720);
    rec.index = i;
    recs.push(rec);
    rec.terminated = kit.terminateOnCue(rec, i, () => { threadsPeak = Math.max(threadsPeak, threadCount()); });
  }
  await Promise.all(recs.map((r) => r.terminated));
  await Promise.all(recs.map((r) => r.exit));
  await sleep(50);
  const threadsAfter = threadCount();
  const main = await decodeInMain(t720);
  emit({
    mode,
    workers: recs.map((r) => ({
      index: r.index, why: r.why, resolved: !!r.resolved, rejected: r.rejected, exitCode: r.exitCode,
      errors: r.errors, decoderErrors: r.messages.filter((m) => m.type === 'error').map((m) => m.error),
      sawStarted: r.messages.some((m) => m.type === 'started'),
    })),
    threadsBefore, threadsPeak, threadsAfter,
    main,
  });
}

// 20 Workers, each terminated 0-50 ms after it was created, whatever it is doing
// then: loading the addon, constructing or configuring its decoder, decoding.
async function terminateEarlyMode() {
  const [t1080, t720] = (await Promise.all([loadTrack('testsrc2-1920x1080-h264.h264'), loadTrack('testsrc2-1280x720-h264.mp4')])).map(plainTrack);
  await fs.promises.readFile(__filename);
  const threadsBefore = threadCount();
  const recs = [];
  for (let i = 0; i < 20; i++) {
    const rec = startWorker('busy', i % 2 ? t1080 : t720);
    recs.push(rec);
    rec.terminated = new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 51))).then(() => {
      rec.sawStarted = rec.messages.some((m) => m.type === 'started');
      return kit.terminate(rec);
    });
  }
  await Promise.all(recs.map((r) => r.terminated));
  await Promise.all(recs.map((r) => r.exit));
  await sleep(50);
  const threadsAfter = threadCount();
  const main = await decodeInMain(t720);
  emit({
    mode,
    workers: recs.map((r, index) => ({ index, resolved: !!r.resolved, rejected: r.rejected, exitCode: r.exitCode,
      errors: r.errors, sawStarted: r.sawStarted })),
    threadsBefore, threadsAfter, main,
  });
}

// 10 Workers, one after the other, each constructing/configuring/closing
// decoders in a loop ('churn'), terminated 5-25 ms after it started: the
// termination lands inside the library's natives.
async function terminateChurnMode() {
  const t320 = plainTrack(await loadTrack('testsrc2-320x240-vp8.ivf'));
  await fs.promises.readFile(__filename);
  const threadsBefore = threadCount();
  const workers = [];
  for (let i = 0; i < 10; i++) {
    const rec = startWorker('churn', { ...t320, chunks: t320.chunks.slice(0, 1) });
    await new Promise((r) => rec.worker.once('message', r));
    await sleep(5 + Math.floor(Math.random() * 21));
    const code = await rec.worker.terminate().then((c) => c, (e) => `rejected: ${e}`);
    await rec.exit;
    workers.push({ index: i, terminateCode: code, exitCode: rec.exitCode, errors: rec.errors });
    process.stdout.write(`TERMINATED ${i}\n`);
  }
  await sleep(50);
  const threadsAfter = threadCount();
  const main = await decodeInMain(plainTrack(await loadTrack('testsrc2-1280x720-h264.mp4')));
  emit({ mode, workers, threadsBefore, threadsAfter, main });
}

async function mainExitMode() {
  const t720 = plainTrack(await loadTrack('testsrc2-1280x720-h264.mp4'));
  let started = 0;
  process.on('exit', (code) => emit({ mode, started, code }));
  for (let i = 0; i < 6; i++) {
    const rec = startWorker('busy', t720);
    rec.worker.on('message', (m) => {
      if (m.type === 'started' && ++started === 6) {
        setTimeout(() => {
          process.stdout.write('EXITING\n');
          process.exit(4);
        }, 20);
      }
    });
  }
}

async function naturalMode() {
  const [t720, t320] = (await Promise.all([loadTrack('testsrc2-1280x720-h264.mp4'), loadTrack('testsrc2-320x240-h264.mp4')])).map(plainTrack);
  await fs.promises.readFile(__filename);
  const threadsBefore = threadCount();
  const recs = [
    startWorker('flushed', t720),
    startWorker('unflushed', t320),
    startWorker('idle', t320),
    startWorker('many-idle', t320),
    startWorker('throw', t320),
    startWorker('exit-in-output', t720),
  ];
  let timer;
  const allExited = Promise.all(recs.map((r) => r.exit));
  const hung = await Promise.race([allExited.then(() => false), new Promise((r) => { timer = setTimeout(() => r(true), 30000); })]);
  clearTimeout(timer);
  await sleep(50);
  const threadsAfter = threadCount();
  const out = recs.map((r) => {
    const outputs = r.messages.filter((m) => m.type === 'output').map((m) => m.frames);
    const flushed = r.messages.find((m) => m.type === 'flushed');
    return {
      mode: r.mode, exited: r.exited, exitCode: r.exitCode, errors: r.errors,
      decoderErrors: r.messages.filter((m) => m.type === 'error').map((m) => m.error),
      flushedFrames: flushed ? flushed.frames : null,
      lastOutput: outputs.length ? outputs[outputs.length - 1] : 0,
      chunks: r.mode === 'flushed' || r.mode === 'exit-in-output' ? t720.chunks.length : t320.chunks.length,
    };
  });
  if (hung) for (const r of recs) if (!r.exited) r.worker.terminate();
  const main = await decodeInMain(t720);
  emit({ mode, hung, workers: out, threadsBefore, threadsAfter, main });
}

const MODES = { terminate: terminateMode, 'terminate-early': terminateEarlyMode, 'terminate-churn': terminateChurnMode, natural: naturalMode, 'main-exit': mainExitMode };
if (mode) MODES[mode]().catch((e) => { console.error(e); process.exitCode = 99; });
