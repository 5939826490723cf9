// Transcode the audio track of a file (MP3, AAC/M4A, FLAC, WAV, Ogg, ...) to Opus with WebCodecs'
// AudioDecoder and AudioEncoder directly: Mediabunny only reads and writes the containers.
// The output's extension picks the container: .webm or .ogg.
//
//   npm install webcodecs-native mediabunny
//   node transcode-audio.mjs input.mp3 output.webm [bitrate]
import 'webcodecs-native/polyfill'; // Mediabunny's EncodedPacket.fromEncodedChunk() checks the global classes
import { AudioDecoder, AudioEncoder, EncodedAudioChunk } from 'webcodecs-native';
import { Input, Output, FilePathSource, FilePathTarget, ALL_FORMATS, EncodedPacketSink, EncodedAudioPacketSource, EncodedPacket, WebMOutputFormat, OggOutputFormat } from 'mediabunny';

const [from, to, bitrate = '96000'] = process.argv.slice(2);
if (!from || !/\.(webm|ogg)$/.test(to ?? '')) throw new Error('usage: node transcode-audio.mjs input output.webm|output.ogg [bitrate]');

const input = new Input({ source: new FilePathSource(from), formats: ALL_FORMATS });
const track = await input.getPrimaryAudioTrack();
if (!track) throw new Error(`${from}: no audio track`);
const decoderConfig = await track.getDecoderConfig(); // codec string, sample rate, channels, description

const output = new Output({ format: to.endsWith('.webm') ? new WebMOutputFormat() : new OggOutputFormat(), target: new FilePathTarget(to) });
const opus = new EncodedAudioPacketSource('opus');
output.addAudioTrack(opus);
await output.start();

const dequeued = (codec) => new Promise((resolve) => codec.addEventListener('dequeue', resolve, { once: true }));
let packets = 0;
let muxed = Promise.resolve(); // packets go to the muxer in the order the encoder made them
const fail = (e) => { console.error(`${e.name}: ${e.message}`); process.exitCode = 1; };
const encoder = new AudioEncoder({
  output(chunk, meta) {
    packets++;
    const packet = EncodedPacket.fromEncodedChunk(chunk);
    muxed = muxed.then(() => opus.add(packet, meta)); // meta.decoderConfig (the Opus header) comes with the first
  },
  error: fail,
});
// Opus runs at 48 kHz; other input rates are resampled by the encoder
encoder.configure({ codec: 'opus', sampleRate: decoderConfig.sampleRate, numberOfChannels: decoderConfig.numberOfChannels, bitrate: Number(bitrate) });
const decoder = new AudioDecoder({
  output(data) {
    encoder.encode(data);
    data.close();
  },
  error: fail,
});
decoder.configure(decoderConfig);

for await (const packet of new EncodedPacketSink(track).packets()) {
  decoder.decode(new EncodedAudioChunk({ type: packet.type, timestamp: packet.microsecondTimestamp, duration: packet.microsecondDuration, data: packet.data }));
  // back-pressure on both codecs, so a long file is never queued whole
  while (decoder.decodeQueueSize > 16) await dequeued(decoder);
  while (encoder.encodeQueueSize > 16) await dequeued(encoder);
}
await decoder.flush();
await encoder.flush();
await muxed;
await output.finalize();
decoder.close();
encoder.close();
console.log(`${from} (${decoderConfig.codec}, ${decoderConfig.sampleRate} Hz, ${decoderConfig.numberOfChannels} ch) -> ${to} (Opus ${bitrate} bit/s, ${packets} packets)`);
