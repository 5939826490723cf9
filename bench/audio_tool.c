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
 *   audio_tool pipe <in.pkts> <codec> <queue>  the same decode split over two threads the way the
 *        library splits it, in plain C with nothing else: the floor of that design on this machine
 *        (see pipe() below). Prints the same JSON line plus the decoder thread's CPU ms and the
 *        number of times each thread woke the other.
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(const char *what) {
  fprintf(stderr, "audio_tool: %s\n", what);
  return 1;
}

/* The decoder thread's way out: nothing to return to. */
static void die(const char *what) {
  fprintf(stderr, "audio_tool pipe: %s\n", what);
  exit(1);
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

typedef struct {
  uint8_t *buf, *p, *end; /* the dump in memory; p: its first packet */
  uint32_t num, den;      /* packet time base */
  AVCodecContext *ctx;    /* opened */
} input;

/* Reads the dump and opens FFmpeg's default decoder for the codec id, as the library picks it. */
static int load(const char *in, const char *name, input *io) {
  FILE *f = fopen(in, "rb");
  long size;
  uint32_t ex;
  const AVCodec *codec;
  const AVCodecDescriptor *d;
  if (!f) return fail("cannot read dump");
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (!(io->buf = malloc((size_t)size)) || fread(io->buf, 1, (size_t)size, f) != (size_t)size) return fail("read");
  fclose(f);
  if (size < 16 || memcmp(io->buf, "WCPK", 4) != 0) return fail("not a packet dump");
  memcpy(&ex, io->buf + 4, 4);
  io->p = io->buf + 8 + ex;
  memcpy(&io->num, io->p, 4);
  memcpy(&io->den, io->p + 4, 4);
  io->p += 8;
  io->end = io->buf + size;
  if (!(d = avcodec_descriptor_get_by_name(name)) || !(codec = avcodec_find_decoder(d->id))) return fail("no decoder");
  io->ctx = avcodec_alloc_context3(codec);
  io->ctx->pkt_timebase = (AVRational){1, 1000000};
  io->ctx->thread_count = 1; /* one thread, as the library's audio decoders (src/audio/audio_decoder_engine.c); only FLAC has threads */
  if (ex) {
    io->ctx->extradata = av_mallocz(ex + AV_INPUT_BUFFER_PADDING_SIZE);
    memcpy(io->ctx->extradata, io->buf + 8, ex);
    io->ctx->extradata_size = (int)ex;
  }
  if (avcodec_open2(io->ctx, codec, NULL) < 0) return fail("cannot open decoder");
  return 0;
}

/* The next packet of the dump: its size, pts (microseconds) and bytes; 0 at the end. */
static int next_packet(input *io, uint32_t *n, int64_t *pts, const uint8_t **data) {
  if (io->p + 12 > io->end) return 0;
  memcpy(n, io->p, 4);
  memcpy(pts, io->p + 4, 8);
  io->p += 12;
  if (io->p + *n > io->end) return 0;
  *pts = av_rescale(*pts, (int64_t)io->num * 1000000, io->den);
  *data = io->p;
  io->p += *n;
  return 1;
}

static int decode(const char *in, const char *name) {
  input io = {0};
  long packets = 0, frames = 0, samples = 0;
  AVCodecContext *ctx;
  AVPacket *pkt = av_packet_alloc();
  AVFrame *fr = av_frame_alloc();
  double w0, c0, w1, c1;
  uint32_t n;
  int64_t pts;
  const uint8_t *data;
  if (load(in, name, &io) < 0) return 1;
  ctx = io.ctx;
  w0 = clock_s(CLOCK_MONOTONIC);
  c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  while (next_packet(&io, &n, &pts, &data)) {
    /* a padded packet per chunk, as the library makes one (av_new_packet + copy) */
    if (av_new_packet(pkt, (int)n) < 0) return fail("oom");
    memcpy(pkt->data, data, n);
    pkt->pts = pts;
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
         samples, w1 - w0, (c1 - c0) * 1000, ctx->codec->name);
  avcodec_free_context(&ctx);
  av_packet_free(&pkt);
  av_frame_free(&fr);
  free(io.buf);
  return 0;
}


/*
 * pipe: the library's division of the work, in plain C and nothing else: the floor of that
 * design on this machine, for the chunk-overhead cases (an hour of AAC: 155,000 packets).
 *   producer (the main thread, as the JS thread): per packet a buffer from an AVBufferPool, the
 *     bytes copied in, the packet pushed on the command list (one lock each). While more than
 *     `queue` packets are not yet dequeued it sleeps until woken, then takes the whole event
 *     list: decoded packets (reused) and output frames, which it reads and "closes" (gives back
 *     to the decoder thread, one lock per batch).
 *   decoder (a thread, as the codec worker): takes every queued packet at once, decodes each,
 *     copies every frame into a frame given back (its buffer kept while the shape is the same)
 *     and publishes outputs and decoded packets by the library's rule: when half of the packets
 *     queued at the last publish are done, 64 events wait, or it runs out of work; it wakes the
 *     producer only when the producer sleeps.
 * Everything the library does besides (JS objects, events, promises, error paths) is left out.
 */
typedef struct item {
  struct item *next;
  AVPacket *pkt;  /* a packet item: decoded, back to the producer */
  AVFrame *frame; /* a frame item: an output, or one given back */
} item;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t dec_cv, prod_cv;
  item *cmds, **cmds_tail; size_t cmds_len; /* producer -> decoder */
  item *events, **events_tail;              /* decoder -> producer: done packets, output frames */
  item *back;                               /* producer -> decoder: closed frames */
  int dec_waits, prod_waits, eof;
  long dec_wakes, prod_wakes;               /* times one thread woke the other */
  AVCodecContext *ctx;
  double dec_cpu_ms;
} pipe_state;

static void push_events(pipe_state *ps, item *first, item **tail) {
  *ps->events_tail = first;
  ps->events_tail = tail;
}

/* Decoder thread: publishes the collected events; wakes the producer if it sleeps. */
static void publish(pipe_state *ps, item **out, item ***out_tail) {
  if (!*out) return;
  pthread_mutex_lock(&ps->mu);
  push_events(ps, *out, *out_tail);
  if (ps->prod_waits) {
    ps->prod_wakes++;
    pthread_cond_signal(&ps->prod_cv);
  }
  pthread_mutex_unlock(&ps->mu);
  *out = NULL;
  *out_tail = out;
}

static int frame_take(AVFrame *dst, const AVFrame *src) {
  if (!dst->buf[0] || dst->format != src->format || dst->nb_samples != src->nb_samples ||
      av_channel_layout_compare(&dst->ch_layout, &src->ch_layout) != 0) {
    av_frame_unref(dst);
    dst->format = src->format;
    dst->nb_samples = src->nb_samples;
    dst->sample_rate = src->sample_rate;
    if (av_channel_layout_copy(&dst->ch_layout, &src->ch_layout) < 0 || av_frame_get_buffer(dst, 0) < 0) return -1;
  }
  return av_frame_copy(dst, src);
}

static void *pipe_decoder(void *arg) {
  pipe_state *ps = arg;
  item *run = NULL, *out = NULL, **out_tail = &out, *idle = NULL;
  size_t run_len = 0, peak = 0, due = 0;
  AVFrame *fr = av_frame_alloc();
  int eof = 0;
  for (;;) {
    item *it;
    if (!run) {
      publish(ps, &out, &out_tail); /* about to wait, or to take a new batch: deliver */
      due = 0;
      pthread_mutex_lock(&ps->mu);
      while (!ps->cmds && !ps->eof) {
        ps->dec_waits = 1;
        pthread_cond_wait(&ps->dec_cv, &ps->mu);
      }
      ps->dec_waits = 0;
      run = ps->cmds;
      run_len = ps->cmds_len;
      ps->cmds = NULL;
      ps->cmds_tail = &ps->cmds;
      ps->cmds_len = 0;
      eof = ps->eof && !run;
      pthread_mutex_unlock(&ps->mu);
      if (eof) break;
      peak = run_len;
    }
    it = run;
    run = it->next;
    it->next = NULL;
    run_len--;
    if (avcodec_send_packet(ps->ctx, it->pkt) < 0) die("avcodec_send_packet failed");
    while (avcodec_receive_frame(ps->ctx, fr) == 0) {
      item *o;
      if (!idle) { /* the frames closed since */
        pthread_mutex_lock(&ps->mu);
        idle = ps->back;
        ps->back = NULL;
        pthread_mutex_unlock(&ps->mu);
      }
      if ((o = idle)) idle = o->next;
      else if (!(o = calloc(1, sizeof *o)) || !(o->frame = av_frame_alloc())) die("out of memory");
      o->next = NULL;
      if (frame_take(o->frame, fr) < 0) die("copying a frame failed");
      av_frame_unref(fr);
      *out_tail = o;
      out_tail = &o->next;
      due++;
    }
    *out_tail = it; /* the decoded packet: its dequeue notice */
    out_tail = &it->next;
    due++;
    {
      size_t len;
      pthread_mutex_lock(&ps->mu); /* the library reads the queue length without a lock */
      len = run_len + ps->cmds_len;
      pthread_mutex_unlock(&ps->mu);
      if (len > peak) peak = len;
      if (due >= 64 || len * 2 <= peak) {
        publish(ps, &out, &out_tail);
        due = 0;
        peak = len;
      }
    }
  }
  if (avcodec_send_packet(ps->ctx, NULL) < 0) die("draining the decoder failed");
  while (avcodec_receive_frame(ps->ctx, fr) == 0) {
    item *o = calloc(1, sizeof *o);
    if (!o || !(o->frame = av_frame_alloc())) die("out of memory");
    av_frame_move_ref(o->frame, fr);
    *out_tail = o;
    out_tail = &o->next;
  }
  publish(ps, &out, &out_tail);
  while (idle) {
    item *n = idle->next;
    av_frame_free(&idle->frame);
    free(idle);
    idle = n;
  }
  av_frame_free(&fr);
  ps->dec_cpu_ms = clock_s(CLOCK_THREAD_CPUTIME_ID) * 1000;
  return NULL;
}

/* Producer: takes the event list (waiting for one when `wait`), reuses the decoded packets
 * and closes the frames. The number of packets dequeued. */
static long take_events(pipe_state *ps, int wait, item **free_pkts, long *frames, long *samples) {
  item *ev, *closed = NULL, **closed_tail = &closed;
  long dequeued = 0;
  pthread_mutex_lock(&ps->mu);
  while (wait && !ps->events) {
    ps->prod_waits = 1;
    pthread_cond_wait(&ps->prod_cv, &ps->mu);
  }
  ps->prod_waits = 0;
  ev = ps->events;
  ps->events = NULL;
  ps->events_tail = &ps->events;
  pthread_mutex_unlock(&ps->mu);
  while (ev) {
    item *next = ev->next;
    ev->next = NULL;
    if (ev->pkt) {
      av_packet_unref(ev->pkt);
      ev->next = *free_pkts;
      *free_pkts = ev;
      dequeued++;
    } else {
      (*frames)++;
      *samples += ev->frame->nb_samples;
      *closed_tail = ev;
      closed_tail = &ev->next;
    }
    ev = next;
  }
  if (closed) {
    pthread_mutex_lock(&ps->mu);
    *closed_tail = ps->back;
    ps->back = closed;
    pthread_mutex_unlock(&ps->mu);
  }
  return dequeued;
}

static int pipe_decode(const char *in, const char *name, long queue) {
  input io = {0};
  pipe_state ps;
  pthread_t th;
  AVBufferPool *pool = NULL;
  item *free_pkts = NULL;
  long packets = 0, dequeued = 0, frames = 0, samples = 0;
  double w0, c0, w1, c1;
  uint32_t n;
  int64_t pts;
  const uint8_t *data;
  if (load(in, name, &io) < 0) return 1;
  memset(&ps, 0, sizeof ps);
  pthread_mutex_init(&ps.mu, NULL);
  pthread_cond_init(&ps.dec_cv, NULL);
  pthread_cond_init(&ps.prod_cv, NULL);
  ps.cmds_tail = &ps.cmds;
  ps.events_tail = &ps.events;
  ps.ctx = io.ctx;
  w0 = clock_s(CLOCK_MONOTONIC);
  c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  if (pthread_create(&th, NULL, pipe_decoder, &ps) != 0) return fail("thread");
  while (next_packet(&io, &n, &pts, &data)) {
    item *it = free_pkts;
    if (it) free_pkts = it->next;
    else if (!(it = calloc(1, sizeof *it)) || !(it->pkt = av_packet_alloc())) return fail("oom");
    it->next = NULL;
    /* packet memory from a pool of 2 KiB buffers, as the library's (src/audio/audio_decoder.c) */
    if (n + AV_INPUT_BUFFER_PADDING_SIZE > 2048) {
      if (av_new_packet(it->pkt, (int)n) < 0) return fail("oom");
    } else {
      if (!pool && !(pool = av_buffer_pool_init(2048, NULL))) return fail("oom");
      if (!(it->pkt->buf = av_buffer_pool_get(pool))) return fail("oom");
      it->pkt->data = it->pkt->buf->data;
      it->pkt->size = (int)n;
      memset(it->pkt->data + n, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    }
    memcpy(it->pkt->data, data, n);
    it->pkt->pts = pts;
    packets++;
    pthread_mutex_lock(&ps.mu);
    *ps.cmds_tail = it;
    ps.cmds_tail = &it->next;
    ps.cmds_len++;
    if (ps.dec_waits) {
      ps.dec_wakes++;
      pthread_cond_signal(&ps.dec_cv);
    }
    pthread_mutex_unlock(&ps.mu);
    while (packets - dequeued > queue) dequeued += take_events(&ps, 1, &free_pkts, &frames, &samples);
  }
  pthread_mutex_lock(&ps.mu);
  ps.eof = 1;
  pthread_cond_signal(&ps.dec_cv);
  pthread_mutex_unlock(&ps.mu);
  pthread_join(th, NULL);
  take_events(&ps, 0, &free_pkts, &frames, &samples);
  w1 = clock_s(CLOCK_MONOTONIC);
  c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
  printf("{\"packets\":%ld,\"frames\":%ld,\"samples\":%ld,\"wall_s\":%.6f,\"cpu_ms\":%.3f,\"decoder\":\"%s\",\"queue\":%ld,"
         "\"decoder_thread_cpu_ms\":%.3f,\"producer_wakes\":%ld,\"decoder_wakes\":%ld}\n",
         packets, frames, samples, w1 - w0, (c1 - c0) * 1000, io.ctx->codec->name, queue, ps.dec_cpu_ms, ps.prod_wakes,
         ps.dec_wakes);
  while (free_pkts) {
    item *next = free_pkts->next;
    av_packet_free(&free_pkts->pkt);
    free(free_pkts);
    free_pkts = next;
  }
  while (ps.back) {
    item *next = ps.back->next;
    av_frame_free(&ps.back->frame);
    free(ps.back);
    ps.back = next;
  }
  av_buffer_pool_uninit(&pool);
  avcodec_free_context(&io.ctx);
  free(io.buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "dump") == 0) return dump(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "decode") == 0) return decode(argv[2], argv[3]);
  if (argc == 5 && strcmp(argv[1], "pipe") == 0 && atol(argv[4]) > 0) return pipe_decode(argv[2], argv[3], atol(argv[4]));
  fprintf(stderr, "usage: audio_tool dump <file> <out.pkts> | audio_tool decode <in.pkts> <codec> | audio_tool pipe <in.pkts> <codec> <queue>\n");
  return 2;
}
