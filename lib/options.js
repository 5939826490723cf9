'use strict';
// Process-wide tuning, read from the environment (and settable with configureThreads()):
//   WEBCODECS_NATIVE_PRIORITY scheduling of each codec's worker thread and of the codec threads it
//                             starts (Linux): "idle" (default: SCHED_IDLE, the JS thread always wins
//                             the CPU), "normal", or a niceness 1-19
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

const IDLE = -1;

function parsePriority(v, what) {
  if (v === undefined || v === '' || v === 'idle') return IDLE;
  if (v === 'normal' || v === 0 || v === '0') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 19) {
    throw new RangeError(`${what}: expected "idle", "normal" or a niceness in [1, 19], got ${JSON.stringify(v)}`);
  }
  return n;
}

const options = {
  workerNice: parsePriority(getEnv('WEBCODECS_NATIVE_PRIORITY'), 'WEBCODECS_NATIVE_PRIORITY'),
  decoderThreads: intFromEnv('WEBCODECS_NATIVE_THREADS', 0, 0, 64),
  encoderThreads: intFromEnv('WEBCODECS_NATIVE_ENCODER_THREADS', 0, 0, 64),
};

// Non-standard: configureThreads({priority, decoderThreads, encoderThreads}) for codecs created afterwards.
function configureThreads(o = {}) {
  if (o.priority !== undefined) options.workerNice = parsePriority(o.priority, 'configureThreads priority');
  for (const k of ['decoderThreads', 'encoderThreads']) {
    if (o[k] === undefined) continue;
    if (!Number.isInteger(o[k]) || o[k] < 0 || o[k] > 64) throw new RangeError(`configureThreads ${k}: expected an integer in [0, 64], got ${o[k]}`);
    options[k] = o[k];
  }
}

options.configureThreads = configureThreads;
module.exports = options;
