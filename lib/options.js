'use strict';
// Process-wide tuning, read from the environment (and settable with configureThreads()):
//   WEBCODECS_NATIVE_PRIORITY scheduling of each codec's worker thread and of the codec threads it
//                             starts (Linux): "fair" (default: normal weight with a long requested
//                             time slice, so the JS thread preempts them when it wakes while they
//                             compete with other processes as normal threads), "idle" (SCHED_IDLE:
//                             the JS thread always wins, but so does every other process),
//                             "batch" (as fair, but a waking codec thread never preempts),
//                             "normal", or a niceness 1-19. See README "Tuning" for the numbers.
//   WEBCODECS_NATIVE_EVENT_LOOP_SLICE  the time slice (us, 100-100000) the JS thread asks the kernel
//                             for when it creates its first codec (Linux >= 6.12), so that it also wins
//                             at wakeup against other processes' threads; 0 leaves the JS thread alone
//   WEBCODECS_NATIVE_THREADS  libavcodec decoder threads per codec (0 = automatic, see src/video/decoder_engine.c)
//   WEBCODECS_NATIVE_ENCODER_THREADS  encoder threads per codec (0 = automatic)
const { getEnv } = require('./env');

function intFromEnv(name, def, lo, hi) {
  const v = getEnv(name);
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new RangeError(`${name}: expected an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return n;
}

// The native encoding of a priority (include/wc/engine/sched.h).
const IDLE = -1;
const FAIR = -2;
const BATCH = -3;

function parsePriority(v, what) {
  if (v === undefined || v === '' || v === 'fair') return FAIR;
  if (v === 'idle') return IDLE;
  if (v === 'batch') return BATCH;
  if (v === 'normal' || v === 0 || v === '0') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 19) {
    throw new RangeError(`${what}: expected "fair", "idle", "batch", "normal" or a niceness in [1, 19], got ${JSON.stringify(v)}`);
  }
  return n;
}

function parseSlice(v, what) {
  const n = Number(v);
  if (!Number.isInteger(n) || !(n === 0 || (n >= 100 && n <= 100000))) {
    throw new RangeError(`${what}: expected 0 or an integer in [100, 100000] (microseconds), got ${JSON.stringify(v)}`);
  }
  return n;
}

const options = {
  workerNice: parsePriority(getEnv('WEBCODECS_NATIVE_PRIORITY'), 'WEBCODECS_NATIVE_PRIORITY'),
  // 100 us: the shortest slice the kernel takes; measured in bench/ (README "Tuning")
  eventLoopSlice: getEnv('WEBCODECS_NATIVE_EVENT_LOOP_SLICE')
    ? parseSlice(getEnv('WEBCODECS_NATIVE_EVENT_LOOP_SLICE'), 'WEBCODECS_NATIVE_EVENT_LOOP_SLICE') : 100,
  decoderThreads: intFromEnv('WEBCODECS_NATIVE_THREADS', 0, 0, 64),
  encoderThreads: intFromEnv('WEBCODECS_NATIVE_ENCODER_THREADS', 0, 0, 64),
};

// Non-standard: configureThreads({priority, eventLoopSlice, decoderThreads, encoderThreads}) for codecs
// created afterwards (eventLoopSlice: before this thread's first codec).
function configureThreads(o = {}) {
  if (o.priority !== undefined) options.workerNice = parsePriority(o.priority, 'configureThreads priority');
  if (o.eventLoopSlice !== undefined) options.eventLoopSlice = parseSlice(o.eventLoopSlice, 'configureThreads eventLoopSlice');
  for (const k of ['decoderThreads', 'encoderThreads']) {
    if (o[k] === undefined) continue;
    if (!Number.isInteger(o[k]) || o[k] < 0 || o[k] > 64) throw new RangeError(`configureThreads ${k}: expected an integer in [0, 64], got ${o[k]}`);
    options[k] = o[k];
  }
}

options.configureThreads = configureThreads;
module.exports = options;
