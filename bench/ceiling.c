/*
 * ceiling.c - libavcodec's own decode speed on an IVF file or an H.264 Annex B file, with
 * no pipeline around it: no demuxer, no filter graph, no muxer, no JS. Read the file and
 * cut it into packets (IVF frames; Annex B access units with libavcodec's h264 parser, as
 * the library's chunks are), then time avcodec_send_packet/avcodec_receive_frame over
 * every packet, `repeat` times.
 * This is the ceiling for any decoder built on libavcodec (this library and the
 * ffmpeg CLI alike). bench/run.js builds it (cc + pkg-config) and runs it on the IVF
 * decode cases, interleaved with the other two sides. AV1 uses libdav1d when FFmpeg
 * has it, as this library and the benchmark's ffmpeg command do.
 *
 *   ceiling <file.ivf | file.h264> <repeat> <threads (0: auto)>
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

typedef struct packets {
  uint8_t **data;
  int *size;
  int n, cap;
} packets;

static int add_packet(packets *l, const uint8_t *d, int n) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 256;
    uint8_t **nd = realloc(l->data, sizeof *nd * (size_t)cap);
    int *ns = realloc(l->size, sizeof *ns * (size_t)cap);
    if (!nd || !ns) return -1;
    l->data = nd;
    l->size = ns;
    l->cap = cap;
  }
  if (!(l->data[l->n] = malloc((size_t)n))) return -1;
  memcpy(l->data[l->n], d, (size_t)n);
  l->size[l->n++] = n;
  return 0;
}

/* IVF: one packet per frame record. */
static int split_ivf(const uint8_t *buf, long size, packets *l) {
  long off = 32;
  while (off + 12 <= size) {
    uint32_t len = le32(buf + off);
    off += 12;
    if (len > (uint64_t)(size - off)) break;
    if (add_packet(l, buf + off, (int)len) < 0) return -1;
    off += len;
  }
  return 0;
}

/* H.264 Annex B: access units found by libavcodec's parser (outside the timed part). */
static int split_annexb(const uint8_t *buf, long size, packets *l) {
  AVCodecParserContext *pc = av_parser_init(AV_CODEC_ID_H264);
  const AVCodec *c = avcodec_find_decoder(AV_CODEC_ID_H264);
  AVCodecContext *pctx = c ? avcodec_alloc_context3(c) : NULL;
  long off = 0;
  if (!pc || !pctx) return -1;
  for (;;) {
    uint8_t *out;
    int out_size;
    int left = (int)(size - off);
    int used = av_parser_parse2(pc, pctx, &out, &out_size, left > 0 ? buf + off : NULL, left > 0 ? left : 0,
                                AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
    if (used < 0) return -1;
    off += used;
    if (out_size > 0 && add_packet(l, out, out_size) < 0) return -1;
    if (left <= 0 && out_size == 0) break;
  }
  av_parser_close(pc);
  avcodec_free_context(&pctx);
  return 0;
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
  packets list = {0};

  if (argc != 4) return fail("usage: ceiling <file.ivf | file.h264> <repeat> <threads>");
  repeat = atoi(argv[2]);
  threads = atoi(argv[3]);
  if (!(f = fopen(argv[1], "rb"))) return fail("cannot open the file");
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 32 || fseek(f, 0, SEEK_SET) != 0) return fail("file too short");
  if (!(buf = malloc((size_t)size)) || fread(buf, 1, (size_t)size, f) != (size_t)size) return fail("cannot read the file");
  fclose(f);
  if (!memcmp(buf, "DKIF", 4)) {
    if (!memcmp(buf + 8, "VP80", 4)) id = AV_CODEC_ID_VP8;
    else if (!memcmp(buf + 8, "VP90", 4)) id = AV_CODEC_ID_VP9;
    else if (!memcmp(buf + 8, "AV01", 4)) id = AV_CODEC_ID_AV1;
    else return fail("unknown IVF fourcc");
    if (split_ivf(buf, size, &list) < 0) return fail("out of memory");
  } else if (!memcmp(buf, "\0\0\0\1", 4) || !memcmp(buf, "\0\0\1", 3)) {
    id = AV_CODEC_ID_H264;
    if (split_annexb(buf, size, &list) < 0) return fail("cannot split the Annex B stream");
  } else {
    return fail("neither IVF nor H.264 Annex B");
  }

  codec = id == AV_CODEC_ID_AV1 ? avcodec_find_decoder_by_name("libdav1d") : NULL;
  if (!codec) codec = avcodec_find_decoder(id);
  if (!codec || !(ctx = avcodec_alloc_context3(codec))) return fail("no decoder");
  ctx->thread_count = threads;
  if (avcodec_open2(ctx, codec, NULL) < 0) return fail("avcodec_open2 failed");
  if (!(pkt = av_packet_alloc()) || !(fr = av_frame_alloc())) return fail("out of memory");

  t0 = clock_s(CLOCK_MONOTONIC);
  c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  for (int r = 0; r < repeat; r++) {
    for (int i = 0; i < list.n; i++) {
      if (av_new_packet(pkt, list.size[i]) < 0) return fail("out of memory");
      memcpy(pkt->data, list.data[i], (size_t)list.size[i]);
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
  for (int i = 0; i < list.n; i++) free(list.data[i]);
  free(list.data);
  free(list.size);
  free(buf);
  return 0;
}
