// Runtime suite: run by scripts/test-runtimes.js under each runtime (Node, Bun, Deno) from a
// scratch project where webcodecs-native is installed in node_modules, as a user has it.
//   <runtime> check.mjs <refs.json>
// refs.json (made with the ffmpeg CLI by the driver): { chunks: [{type, timestamp, duration, data: base64}],
// codec, codedWidth, codedHeight, description (base64), md5: [per output frame, yuv420p], timestamps }.
// Prints one line per check ("ok NAME ms" / "not ok NAME: error") and exits 1 if any failed.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import * as wc from 'webcodecs-native';
import { decodeRefs as decodeWith, b64 } from './decode.mjs';

const refs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const decodeRefs = (lib) => decodeWith(lib, refs);
let failed = 0;
async function check(name, fn) {
  const t0 = performance.now();
  try {
    await fn();
    console.log(`ok ${name} ${Math.round(performance.now() - t0)}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${name}: ${e && e.stack || e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
async function throwsName(fn, name) {
  try { await fn(); } catch (e) {
    assert(e instanceof DOMException || e instanceof TypeError, `${name}: not a DOMException/TypeError: ${e}`);
    assert(e.name === name, `expected ${name}, got ${e.name}: ${e.message}`);
    return;
  }
  throw new Error(`expected ${name}, nothing thrown`);
}

function sameAsFfmpeg(out) {
  assert(out.length === refs.md5.length, `${out.length} frames, ffmpeg ${refs.md5.length}`);
  out.forEach((o, i) => {
    assert(o.md5 === refs.md5[i], `frame ${i}: md5 ${o.md5} != ffmpeg ${refs.md5[i]}`);
    assert(o.ts === refs.timestamps[i], `frame ${i}: timestamp ${o.ts} != ${refs.timestamps[i]}`);
  });
}

await check('cjs-require', () => {
  const req = createRequire(import.meta.url);
  const cjs = req('webcodecs-native');
  for (const n of ['VideoDecoder', 'VideoEncoder', 'VideoFrame', 'EncodedVideoChunk', 'AudioDecoder', 'AudioEncoder', 'AudioData', 'EncodedAudioChunk']) {
    assert(typeof cjs[n] === 'function', `require: ${n} missing`);
    assert(cjs[n] === wc[n], `require and import give different ${n}`);
  }
});
await check('polyfill', async () => {
  const before = new Set(['VideoDecoder', 'VideoEncoder', 'VideoFrame', 'AudioDecoder'].filter((n) => n in globalThis));
  const { installed } = await import('webcodecs-native/polyfill');
  for (const n of ['VideoDecoder', 'VideoEncoder', 'VideoFrame', 'AudioDecoder']) {
    if (before.has(n)) continue;
    assert(installed.includes(n), `${n} not installed`);
    assert(globalThis[n] === wc[n], `globalThis.${n} is not the package's`);
  }
});
await check('decode-bitexact', async () => sameAsFfmpeg(await decodeRefs(wc)));
await check('encode-decode', async () => {
  const w = 64, h = 48, chunks = [];
  let meta;
  const e = new wc.VideoEncoder({ output(c, m) { chunks.push(c); if (m && m.decoderConfig) meta = m.decoderConfig; }, error(x) { throw x; } });
  e.configure({ codec: 'vp8', width: w, height: h, bitrate: 500_000, framerate: 30 });
  const y = (i, x, r) => (16 + ((x * 3 + r * 2 + i * 5) % 200));
  for (let i = 0; i < 10; i++) {
    const data = new Uint8Array(w * h * 3 / 2).fill(128);
    for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) data[r * w + x] = y(i, x, r);
    const f = new wc.VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: i * 33333 });
    e.encode(f, { keyFrame: i === 0 });
    f.close();
  }
  await e.flush();
  e.close();
  assert(chunks.length === 10 && chunks[0].type === 'key' && meta && meta.codec === 'vp8', `chunks ${chunks.length}, meta ${JSON.stringify(meta)}`);
  const frames = [];
  const d = new wc.VideoDecoder({ output(f) { frames.push(f); }, error(x) { throw x; } });
  d.configure(meta);
  for (const c of chunks) d.decode(c);
  await d.flush();
  d.close();
  assert(frames.length === 10, `${frames.length} frames back`);
  for (let i = 0; i < 10; i++) {
    const f = frames[i];
    assert(f.timestamp === i * 33333, `timestamp ${f.timestamp}`);
    const buf = new Uint8Array(f.allocationSize());
    await f.copyTo(buf);
    let se = 0;
    for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) se += (buf[r * w + x] - y(i, x, r)) ** 2;
    const psnr = 10 * Math.log10(255 * 255 / (se / (w * h)));
    assert(psnr > 30, `frame ${i}: luma PSNR ${psnr.toFixed(1)} dB`);
    f.close();
  }
});
await check('semantics-and-error-names', async () => {
  const d = new wc.VideoDecoder({ output(f) { f.close(); }, error() {} });
  await throwsName(() => d.decode(new wc.EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(4) })), 'InvalidStateError');
  await throwsName(() => d.configure({ codec: '' }), 'TypeError');
  d.configure({ codec: refs.codec, codedWidth: refs.codedWidth, codedHeight: refs.codedHeight, description: refs.description && b64(refs.description) });
  const delta = refs.chunks.find((c) => c.type === 'delta');
  await throwsName(() => d.decode(new wc.EncodedVideoChunk({ ...delta, data: b64(delta.data) })), 'DataError');
  for (const c of refs.chunks.slice(0, 10)) d.decode(new wc.EncodedVideoChunk({ ...c, data: b64(c.data) }));
  const flushed = d.flush();
  d.reset();
  await throwsName(() => flushed, 'AbortError');
  assert(d.state === 'unconfigured', `state after reset: ${d.state}`);
  d.close();
  assert(d.state === 'closed', d.state);
  await throwsName(() => d.configure({ codec: refs.codec }), 'InvalidStateError');
  assert((await wc.VideoDecoder.isConfigSupported({ codec: 'bogus' })).supported === false, 'bogus codec supported');
});
await check('dequeue-events', async () => {
  let handler = 0, listener = 0, syncFired = false, inDecode = false;
  const d = new wc.VideoDecoder({ output(f) { f.close(); }, error() {} });
  d.ondequeue = () => { handler++; if (inDecode) syncFired = true; };
  d.addEventListener('dequeue', () => listener++);
  d.configure({ codec: refs.codec, codedWidth: refs.codedWidth, codedHeight: refs.codedHeight, description: refs.description && b64(refs.description) });
  inDecode = true;
  for (const c of refs.chunks) d.decode(new wc.EncodedVideoChunk({ ...c, data: b64(c.data) }));
  inDecode = false;
  await d.flush();
  d.close();
  assert(!syncFired, 'dequeue fired synchronously inside decode()');
  assert(handler > 0 && handler === listener, `ondequeue ${handler}, listener ${listener}`);
});
await check('copyTo-async', async () => {
  const w = 320, h = 240;
  const f = new wc.VideoFrame(new Uint8Array(w * h * 3 / 2).fill(128), { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
  const bufs = [], ps = [];
  let settled = 0;
  for (let i = 0; i < 8; i++) {
    bufs.push(new Uint8Array(f.allocationSize({ format: 'RGBA' })));
    ps.push(f.copyTo(bufs[i], { format: 'RGBA' }).then(() => settled++));
  }
  await null;
  assert(settled === 0, 'copyTo to RGBA settled within the same microtask turn (not off-thread)');
  await Promise.all(ps);
  f.close();
  for (const b of bufs) for (let i = 0; i < b.length; i += 4) {
    // I420 (128,128,128), limited range: grey 130 +-1 in every channel, opaque
    if (Math.abs(b[i] - 130) > 1 || b[i] !== b[i + 1] || b[i] !== b[i + 2] || b[i + 3] !== 255) throw new Error(`pixel ${i / 4}: ${b.slice(i, i + 4)}`);
  }
});
await check('worker-threads', async () => {
  const w = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: refs });
  const out = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
  await w.terminate();
  if (out.error) throw new Error(out.error);
  sameAsFfmpeg(out.frames);
});
// The runtime's web Worker (a global `Worker`: Bun, Deno; Node has none, only node:worker_threads):
// the bit-exact decode in one, then one terminated while its decoder is busy (the process must go on:
// a decode afterwards on this thread is still bit-exact).
if (typeof globalThis.Worker === 'function') {
  await check('web-worker', async () => {
    const run = (mode, onMessage) => new Promise((resolve, reject) => {
      const w = new globalThis.Worker(new URL('./web-worker.mjs', import.meta.url), { type: 'module' });
      w.onmessage = (ev) => onMessage(ev.data, w, resolve, reject);
      w.onerror = (ev) => { ev.preventDefault?.(); w.terminate(); reject(new Error(`worker error: ${ev.message}`)); };
      w.postMessage({ mode, refs });
    });
    const out = await run('decode', (data, w, resolve) => { w.terminate(); resolve(data); });
    if (out.error) throw new Error(out.error);
    sameAsFfmpeg(out.frames);
    const busy = await run('busy', (data, w, resolve) => { w.terminate(); resolve(data); });
    if (busy.error) throw new Error(busy.error);
    assert(busy.busy > 0, `the worker's decoder was not busy when terminated (queue ${busy.busy})`);
    await new Promise((r) => setTimeout(r, 100));
    sameAsFfmpeg(await decodeRefs(wc));
  });
} else {
  console.log('skip web-worker: no global Worker in this runtime (Node: node:worker_threads only, checked above)');
}
const self = process.env.WC_RUNTIME_ARGS ? JSON.parse(process.env.WC_RUNTIME_ARGS) : [];
for (const mode of ['idle', 'busy']) {
  await check(`exit-${mode}`, () => {
    const r = spawnSync(process.execPath, [...self, new URL('./exit.mjs', import.meta.url).pathname, mode, process.argv[2]], { encoding: 'utf8', timeout: 30000 });
    assert(r.status === 0 && r.signal === null, `exit status ${r.status} signal ${r.signal}: ${r.stderr}`);
    const m = /FRAMES (\d+) OF (\d+)/.exec(r.stdout);
    assert(m, `no result: ${r.stdout} ${r.stderr}`);
    if (mode === 'idle') assert(Number(m[1]) === Number(m[2]), r.stdout);
    else assert(Number(m[1]) >= Number(m[2]) - 20 && Number(m[1]) > 0, `busy: ${r.stdout}`);
  });
}
console.log(`RUNTIME_SUITE ${failed === 0 ? 'PASS' : 'FAIL'} failed=${failed}`);
process.exitCode = failed ? 1 : 0;
