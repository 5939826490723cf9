// Decodes refs.chunks (see check.mjs) with the given webcodecs-native module; returns
// [{ts, md5}] per output frame (md5 of copyTo()'s packed planes, as ffmpeg's framemd5 of yuv420p).
import { createHash } from 'node:crypto';

export const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));

export async function decodeRefs(lib, refs) {
  const out = [];
  const pending = [];
  let error = null;
  const d = new lib.VideoDecoder({
    output(f) {
      const buf = new Uint8Array(f.allocationSize());
      const ts = f.timestamp;
      pending.push(f.copyTo(buf).then(() => { out.push({ ts, md5: createHash('md5').update(buf).digest('hex') }); f.close(); }));
    },
    error(e) { error = e; },
  });
  d.configure({ codec: refs.codec, codedWidth: refs.codedWidth, codedHeight: refs.codedHeight, description: refs.description && b64(refs.description) });
  for (const c of refs.chunks) d.decode(new lib.EncodedVideoChunk({ ...c, data: b64(c.data) }));
  await d.flush();
  await Promise.all(pending);
  d.close();
  if (error) throw error;
  return out;
}
