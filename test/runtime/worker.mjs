// check.mjs's worker-threads check: the bit-exact decode inside a node:worker_threads Worker.
import { parentPort, workerData } from 'node:worker_threads';
import * as wc from 'webcodecs-native';
import { decodeRefs } from './decode.mjs';
try {
  parentPort.postMessage({ frames: await decodeRefs(wc, workerData) });
} catch (e) {
  parentPort.postMessage({ error: String(e && e.stack || e) });
}
