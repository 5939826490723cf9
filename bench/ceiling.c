/*
 * ceiling.c - libavcodec's own decode speed on an IVF file, with no pipeline around it:
 * no demuxer, no filter graph, no muxer, no JS. Read the file, then time
 * avcodec_send_packet/avcodec_receive_frame over every frame, `repeat` times.
 * This is the ceiling for any decoder built on libavcodec (this library and the
 * ffmpeg CLI alike). bench/run.js builds it (cc + pkg-config) and runs it on the IVF
 * decode cases, interleaved with the other two sides. AV1 uses libdav1d when FFmpeg
 * has it, as this library and the benchmark's ffmpeg command do.
 *
 *   ceiling <file.ivf> <repeat> <threads (0: auto)>
 * prints one JSON line: frames, wall seconds, fps, CPU ms per frame.
 */
#include <libavcodec/avcodec.h>
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

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static int fail(const char *what) {
  fprintf(stderr, "ceiling: %s\n", what);
  return 1;
}

static int drain(AVCodecContext *ctx, AVFrame *fr, long *frames) {
  int ret;
  while ((ret = avcodec_receive_frame(ctx, fr)) == 0) {
    (*frames)++;
    av_frame_unref(fr);
  }
  return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

int main(int argc, char **argv) {
  FILE *f;
  uint8_t *buf;
  long size, frames = 0;
  const AVCodec *codec;
  AVCodecContext *ctx;
  AVPacket *pkt;
  AVFrame *fr;
  enum AVCodecID id;
  double t0, c0, wall, cpu;
  int repeat, threads;

  if (argc != 4) return fail("usage: ceiling <file.ivf> <repeat> <threads>");
  repeat = atoi(argv[2]);
  threads = atoi(argv[3]);
  if (!(f = fopen(argv[1], "rb"))) return fail("cannot open the file");
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 32 || fseek(f, 0, SEEK_SET) != 0) return fail("not an IVF file");
  if (!(buf = malloc((size_t)size)) || fread(buf, 1, (size_t)size, f) != (size_t)size) return fail("cannot read the file");
  fclose(f);
  if (memcmp(buf, "DKIF", 4) != 0) return fail("not an IVF file");
  if (!memcmp(buf + 8, "VP80", 4)) id = AV_CODEC_ID_VP8;
  else if (!memcmp(buf + 8, "VP90", 4)) id = AV_CODEC_ID_VP9;
  else if (!memcmp(buf + 8, "AV01", 4)) id = AV_CODEC_ID_AV1;
  else return fail("unknown IVF fourcc");

  codec = id == AV_CODEC_ID_AV1 ? avcodec_find_decoder_by_name("libdav1d") : NULL;
  if (!codec) codec = avcodec_find_decoder(id);
  if (!codec || !(ctx = avcodec_alloc_context3(codec))) return fail("no decoder");
  ctx->thread_count = threads;
  if (avcodec_open2(ctx, codec, NULL) < 0) return fail("avcodec_open2 failed");
  if (!(pkt = av_packet_alloc()) || !(fr = av_frame_alloc())) return fail("out of memory");

  t0 = clock_s(CLOCK_MONOTONIC);
  c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (int r = 0; r < repeat; r++) {
    long off = 32;
    while (off + 12 <= size) {
      uint32_t len = le32(buf + off);
      off += 12;
      if (len > (uint64_t)(size - off)) break;
      if (av_new_packet(pkt, (int)len) < 0) return fail("out of memory");
      memcpy(pkt->data, buf + off, len);
      off += len;
      if (avcodec_send_packet(ctx, pkt) < 0) return fail("avcodec_send_packet failed");
      av_packet_unref(pkt);
      if (drain(ctx, fr, &frames) < 0) return fail("avcodec_receive_frame failed");
    }
    if (avcodec_send_packet(ctx, NULL) < 0 || drain(ctx, fr, &frames) < 0) return fail("drain failed");
    avcodec_flush_buffers(ctx);
  }
  wall = clock_s(CLOCK_MONOTONIC) - t0;
  cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
  printf("{\"decoder\":\"%s\",\"threads\":%d,\"frames\":%ld,\"wall_s\":%.4f,\"fps\":%.1f,\"cpu_ms_per_frame\":%.4f}\n",
         codec->name, threads, frames, wall, frames / wall, cpu * 1000 / (double)frames);
  av_frame_free(&fr);
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  free(buf);
  return 0;
}
