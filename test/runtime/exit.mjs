// check.mjs's exit checks, in a child process of the same runtime; never calls process.exit().
//   idle: a decoder decodes and flushes the clip, then stays configured and unclosed: the
//         process must exit by itself.
//   busy: every chunk is queued and the script's code ends without flush() or close(): the
//         process must stay alive until the outputs are delivered (a reorder tail may stay held).
import { readFileSync } from 'node:fs';
import * as wc from 'webcodecs-native';
import { b64 } from './decode.mjs';
const [mode, refsPath] = process.argv.slice(2);
const refs = JSON.parse(readFileSync(refsPath, 'utf8'));
let frames = 0;
process.on('exit', () => console.log(`FRAMES ${frames} OF ${refs.chunks.length}`));
const d = new wc.VideoDecoder({ output(f) { frames++; f.close(); }, error(e) { console.error(e); process.exitCode = 2; } });
d.configure({ codec: refs.codec, codedWidth: refs.codedWidth, codedHeight: refs.codedHeight, description: refs.description && b64(refs.description) });
for (const c of refs.chunks) d.decode(new wc.EncodedVideoChunk({ ...c, data: b64(c.data) }));
if (mode === 'idle') await d.flush();
