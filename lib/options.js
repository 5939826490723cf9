'use strict';
// Process-wide tuning, read once from the environment:
//   WEBCODECS_NATIVE_NICE     niceness (0-19) of each codec's worker thread and of the codec
//                             threads it starts; higher leaves more CPU to the JS thread (Linux)
//   WEBCODECS_NATIVE_THREADS  libavcodec decoder threads per codec (0 = automatic)
//   WEBCODECS_NATIVE_ENCODER_THREADS  encoder threads per codec (0 = automatic)
function intFromEnv(name, def, lo, hi) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new RangeError(`${name}: expected an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return n;
}

module.exports = {
  workerNice: intFromEnv('WEBCODECS_NATIVE_NICE', 0, 0, 19),
  decoderThreads: intFromEnv('WEBCODECS_NATIVE_THREADS', 0, 0, 64),
  encoderThreads: intFromEnv('WEBCODECS_NATIVE_ENCODER_THREADS', 0, 0, 64),
};
