// check.mjs's web-worker check: inside the runtime's web `Worker` (Bun, Deno), the bit-exact decode
// of refs ({mode: 'decode', refs}), or ({mode: 'busy', refs}) the chunks queued and the worker told
// to the page to terminate it while the decoder is busy.
import * as wc from 'webcodecs-native';
import { decodeRefs, b64 } from './decode.mjs';

self.onmessage = async ({ data: { mode, refs } }) => {
  try {
    if (mode === 'busy') {
      const d = new wc.VideoDecoder({ output(f) { f.close(); }, error() {} });
      d.configure({ codec: refs.codec, codedWidth: refs.codedWidth, codedHeight: refs.codedHeight, description: refs.description && b64(refs.description) });
      for (const c of refs.chunks) d.decode(new wc.EncodedVideoChunk({ ...c, data: b64(c.data) }));
      self.postMessage({ busy: d.decodeQueueSize });
      return;
    }
    self.postMessage({ frames: await decodeRefs(wc, refs) });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack || e) });
  }
};
