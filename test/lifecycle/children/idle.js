'use strict';
// Scenario: idle decoders that were never closed must let node exit by itself.
//   configured  one decoder, configured, nothing decoded
//   flushed     one decoder that decoded a whole clip and flushed, then sits idle
//   mixed       several decoders in every idle state at once (unconfigured,
//               configured, flushed, reset mid-stream, reconfigured, with an
//               ondequeue handler, one output frame left unclosed)
//   closed-busy three decoders busy with the 1080p clip, closed 30-50 ms in (the
//               worker may still be in a frame); no output may follow close()
// Prints RESULT from process.on('exit'); never calls process.exit().
const { wc, loadTrack, configOf, chunkOf, emit, modeOrSkip } = require('./common');

const mode = modeOrSkip(['configured', 'flushed', 'mixed', 'closed-busy']);

async function decodeAll(track, { keepLast = false } = {}) {
  const out = { frames: 0, errors: 0, kept: null };
  const d = new wc.VideoDecoder({
    output(f) {
      out.frames++;
      if (keepLast) {
        if (out.kept) out.kept.close();
        out.kept = f;
      } else {
        f.close();
      }
    },
    error() { out.errors++; },
  });
  d.configure(configOf(track));
  for (const c of track.chunks) d.decode(chunkOf(c));
  await d.flush();
  return { d, out };
}

async function main() {
  const track = await loadTrack('testsrc2-320x240-h264.mp4');
  const facts = {};
  const errors = [];
  const onError = (e) => errors.push(String(e));
  process.on('exit', (code) => emit({ mode, code, errors, ...facts }));

  if (mode === 'configured') {
    const d = new wc.VideoDecoder({ output: (f) => f.close(), error: onError });
    d.configure(configOf(track));
    facts.state = d.state;
  } else if (mode === 'flushed') {
    const { d, out } = await decodeAll(track);
    facts.state = d.state;
    facts.frames = out.frames;
  } else if (mode === 'closed-busy') {
    const big = await loadTrack('testsrc2-1920x1080-h264.h264');
    facts.afterClose = 0;
    facts.frames = 0;
    facts.states = [];
    for (let k = 0; k < 3; k++) {
      let closed = false;
      const d = new wc.VideoDecoder({
        output(f) {
          facts.frames++;
          if (closed) facts.afterClose++;
          f.close();
        },
        error: onError,
      });
      d.configure(configOf(big));
      for (const c of big.chunks) d.decode(chunkOf(c));
      setTimeout(() => {
        d.close();
        closed = true;
        facts.states.push(d.state);
      }, 30 + k * 10);
    }
  } else {
    // unconfigured
    const a = new wc.VideoDecoder({ output: (f) => f.close(), error: onError });
    // configured only
    const b = new wc.VideoDecoder({ output: (f) => f.close(), error: onError });
    b.configure(configOf(track));
    // decoded + flushed, last frame kept open
    const { d: c, out } = await decodeAll(track, { keepLast: true });
    globalThis.keptFrame = out.kept;
    // reset in the middle of a stream
    const d = new wc.VideoDecoder({ output: (f) => f.close(), error: onError });
    d.configure(configOf(track));
    for (const ch of track.chunks.slice(0, 40)) d.decode(chunkOf(ch));
    d.reset();
    // decoded + flushed, then configured again, with an ondequeue handler
    const e = new wc.VideoDecoder({ output: (f) => f.close(), error: onError });
    let dequeues = 0;
    e.ondequeue = () => { dequeues++; };
    e.configure(configOf(track));
    for (const ch of track.chunks.slice(0, 30)) e.decode(chunkOf(ch));
    await e.flush();
    e.configure(configOf(track));
    const vp8 = await loadTrack('testsrc2-320x240-vp8.ivf');
    const { d: f, out: out2 } = await decodeAll(vp8);
    globalThis.keep = [a, b, c, d, e, f]; // reachable until exit: not collected, just idle
    facts.states = globalThis.keep.map((x) => x.state);
    facts.frames = out.frames;
    facts.vp8Frames = out2.frames;
    process.prependListener('exit', () => { facts.dequeuesSeen = dequeues > 0; });
  }
}

if (mode) main().catch((e) => { console.error(e); process.exitCode = 99; });
