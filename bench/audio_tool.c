/*
 * audio_tool.c - the libavcodec-alone side of the audio benchmarks (bench/audio.js), and the
 * packet dump both other sides read.
 *
 *   audio_tool dump <media file> <out.pkts>   demux the first audio stream with libavformat and
 *        write: "WCPK", u32 extradata size, extradata, u32 time-base num, den, then per packet
 *        u32 size, i64 pts (time base units), bytes. (Benchmark tooling only: the addon never
 *        links libavformat.)
 *   audio_tool decode <in.pkts> <codec id name: aac, opus, mp3, flac>  read the dump into memory, then time
 *        avcodec_send_packet/avcodec_receive_frame over every packet with the decoder this
 *        library uses (FFmpeg's default for the codec), pkt_timebase 1/1000000 as ours; prints
 *        one JSON line: packets, frames, samples, wall seconds, CPU ms.
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(const char *what) {
  fprintf(stderr, "audio_tool: %s\n", what);
  return 1;
}

static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static int dump(const char *in, const char *out) {
  AVFormatContext *fmt = NULL;
  AVPacket *pkt = av_packet_alloc();
  FILE *f;
  int si;
  AVStream *st;
  if (avformat_open_input(&fmt, in, NULL, NULL) < 0 || avformat_find_stream_info(fmt, NULL) < 0) return fail("cannot open input");
  if ((si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0)) < 0) return fail("no audio stream");
  st = fmt->streams[si];
  if (!(f = fopen(out, "wb"))) return fail("cannot write output");
  fwrite("WCPK", 4, 1, f);
  put32(f, (uint32_t)st->codecpar->extradata_size);
  if (st->codecpar->extradata_size) fwrite(st->codecpar->extradata, (size_t)st->codecpar->extradata_size, 1, f);
  put32(f, (uint32_t)st->time_base.num);
  put32(f, (uint32_t)st->time_base.den);
  while (av_read_frame(fmt, pkt) >= 0) {
    if (pkt->stream_index == si) {
      int64_t pts = pkt->pts;
      put32(f, (uint32_t)pkt->size);
      fwrite(&pts, 8, 1, f);
      fwrite(pkt->data, (size_t)pkt->size, 1, f);
    }
    av_packet_unref(pkt);
  }
  fclose(f);
  av_packet_free(&pkt);
  avformat_close_input(&fmt);
  return 0;
}

static int drain(AVCodecContext *ctx, AVFrame *fr, long *frames, long *samples) {
  int ret;
  while ((ret = avcodec_receive_frame(ctx, fr)) == 0) {
    (*frames)++;
    *samples += fr->nb_samples;
    av_frame_unref(fr);
  }
  return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

static int decode(const char *in, const char *name) {
  FILE *f = fopen(in, "rb");
  uint8_t *buf, *p, *end;
  long size, packets = 0, frames = 0, samples = 0;
  uint32_t ex, num, den;
  const AVCodec *codec;
  AVCodecContext *ctx;
  AVPacket *pkt = av_packet_alloc();
  AVFrame *fr = av_frame_alloc();
  double w0, c0, w1, c1;
  if (!f) return fail("cannot read dump");
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (!(buf = malloc((size_t)size)) || fread(buf, 1, (size_t)size, f) != (size_t)size) return fail("read");
  fclose(f);
  if (size < 16 || memcmp(buf, "WCPK", 4) != 0) return fail("not a packet dump");
  memcpy(&ex, buf + 4, 4);
  p = buf + 8 + ex;
  memcpy(&num, p, 4);
  memcpy(&den, p + 4, 4);
  p += 8;
  end = buf + size;
  {
    /* FFmpeg's default decoder for the codec id, as the library and `ffmpeg -i` pick it */
    const AVCodecDescriptor *d = avcodec_descriptor_get_by_name(name);
    if (!d || !(codec = avcodec_find_decoder(d->id))) return fail("no decoder");
  }
  ctx = avcodec_alloc_context3(codec);
  ctx->pkt_timebase = (AVRational){1, 1000000};
  ctx->thread_count = 1; /* one thread, as the library's audio decoders (src/audio/audio_decoder_engine.c); only FLAC has threads */
  if (ex) {
    ctx->extradata = av_mallocz(ex + AV_INPUT_BUFFER_PADDING_SIZE);
    memcpy(ctx->extradata, buf + 8, ex);
    ctx->extradata_size = (int)ex;
  }
  if (avcodec_open2(ctx, codec, NULL) < 0) return fail("cannot open decoder");
  w0 = clock_s(CLOCK_MONOTONIC);
  c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  while (p + 12 <= end) {
    uint32_t n;
    int64_t pts;
    memcpy(&n, p, 4);
    memcpy(&pts, p + 4, 8);
    p += 12;
    if (p + n > end) break;
    /* a padded packet per chunk, as the library makes one (av_new_packet + copy) */
    if (av_new_packet(pkt, (int)n) < 0) return fail("oom");
    memcpy(pkt->data, p, n);
    pkt->pts = av_rescale(pts, (int64_t)num * 1000000, den);
    p += n;
    packets++;
    if (avcodec_send_packet(ctx, pkt) < 0) return fail("send");
    av_packet_unref(pkt);
    if (drain(ctx, fr, &frames, &samples) < 0) return fail("receive");
  }
  avcodec_send_packet(ctx, NULL);
  drain(ctx, fr, &frames, &samples);
  w1 = clock_s(CLOCK_MONOTONIC);
  c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  printf("{\"packets\":%ld,\"frames\":%ld,\"samples\":%ld,\"wall_s\":%.6f,\"cpu_ms\":%.3f,\"decoder\":\"%s\"}\n", packets, frames,
         samples, w1 - w0, (c1 - c0) * 1000, codec->name);
  avcodec_free_context(&ctx);
  av_packet_free(&pkt);
  av_frame_free(&fr);
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "dump") == 0) return dump(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "decode") == 0) return decode(argv[2], argv[3]);
  fprintf(stderr, "usage: audio_tool dump <file> <out.pkts> | audio_tool decode <in.pkts> <codec>\n");
  return 2;
}
