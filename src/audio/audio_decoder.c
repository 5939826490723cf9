/*
 * audio_decoder.c - AudioDecoder's engine: configure, decode and flush on the
 * worker thread with libavcodec's send/receive API, and isConfigSupported on
 * the thread pool. The codec object, its thread and event delivery are the
 * shared engine's (src/engine/codec.c, worker.c), as for VideoDecoder.
 *
 * Threads: audioDecoderCreate/Configure/Decode/Support and adec_output_js run
 * on the JS thread; adec_run and what it calls run on the worker, which alone
 * owns the AVCodecContext and the SwrContext from configure to teardown.
 *
 * Timing: packets carry the chunk's timestamp as pts in a 1/1000000 time base
 * (pkt_timebase), so libavcodec moves a frame's pts on by the priming it
 * discards (Opus pre-skip); an output's timestamp is its frame's pts, or, for
 * a frame without one, the running sample count since the last frame that had
 * one (wc_audio_clock: sample-accurate, never a sum of rounded durations).
 */
#define _POSIX_C_SOURCE 200809L
#include <libavcodec/avcodec.h>
#include <libswresample/swresample.h>
#include <stdio.h>
#include <string.h>

#include "wc/audio/audio_data.h"
#include "wc/audio/audio_decoder.h"
#include "wc/audio/sample_format.h"
#include "wc/engine/codec.h"
#include "wc/engine/errors.h"
#include "wc/node/env.h"

typedef struct adec_config {
  wc_audio_decoder_params p;
  int parsed; /* 0: the codec string is not a known audio codec string */
  char codec[96];
  uint8_t *extradata;
} adec_config;

typedef struct wc_audio_decoder wc_audio_decoder;

/* A decode command's packet; back to the JS thread (`pkts_back`) once decoded, for reuse. */
typedef struct adec_packet {
  wc_node node;
  AVPacket *pkt;
} adec_packet;

typedef struct adec_output {
  wc_frame_slot slot; /* first: the AudioData's frame, back in the decoder's bin once closed */
  int format;        /* enum wc_sample_format */
  int64_t timestamp; /* microseconds */
  wc_audio_decoder *d;
} adec_output;

/*
 * Memory that crosses threads per chunk is recycled, never freed by the other thread: glibc frees
 * a chunk into the arena it came from, under that arena's lock, so a packet allocated on the JS
 * thread and freed on the worker (or a frame the other way round) made the two threads contend for
 * the arena locks once per chunk (futex waits in perf on both sides; issue 9's hour of audio).
 *   - packet data comes from buffer pools (by size class) that the worker's unref returns it to;
 *   - an output (its AVFrame with the samples' buffer references) goes back to the worker's
 *     `bin` when its AudioData is closed or collected; the worker unrefs the frame and reuses both
 *     (the bin outlives the decoder: an AudioData closed after it frees its frame itself).
 */
#define ADEC_POOLS 3
static const int pool_size[ADEC_POOLS] = {512, 2048, 8192}; /* bytes, padding included (larger packets: their own memory) */

struct wc_audio_decoder {
  AVCodecContext *ctx;
  AVFrame *spare; /* an empty frame for the next avcodec_receive_frame (not one allocation per EAGAIN) */
  struct SwrContext *swr;
  wc_audio_clock clock;
  wc_stats *stats;
  wc_frame_bin *bin; /* adec_outputs back from closed AudioData (and dropped events), samples still held */
  wc_node *idle;     /* worker: adec_outputs for reuse (some keep their samples' buffer) */
  size_t idle_kept;  /* worker: bytes of samples the idle outputs keep (<= ADEC_KEEP_BYTES) */
  wc_queue pkts_back; /* decoded adec_packets, data still referenced, for the JS thread to reuse */
  int pkts_ready;     /* pkts_back initialised */
  wc_list pkts_done;  /* worker: decoded packets not yet in pkts_back (one push per PKTS_BATCH) */
  wc_node *pkts_idle; /* JS thread: adec_packets with an empty packet */
  AVBufferPool *pools[ADEC_POOLS]; /* JS thread: packet data (any thread returns buffers) */
};

static void config_free(adec_config *c) {
  if (!c) return;
  av_free(c->extradata);
  free(c);
}

static void free_cmd_payload(int type, void *p) {
  if (type == WC_CMD_CONFIGURE)
    config_free(p);
  else if (type == WC_CMD_DECODE) {
    adec_packet *ap = p;
    av_packet_free(&ap->pkt);
    free(ap);
  }
}

static void output_free(adec_output *o) {
  if (!o) return;
  av_frame_free(&o->slot.frame);
  free(o);
}

static void free_list(wc_node *n) {
  while (n) {
    wc_node *next = n->next;
    output_free((adec_output *)n);
    n = next;
  }
}

/* Any thread (the JS thread as a rule): the output goes back to its decoder's worker, which
 * frees the samples and reuses it. */
static void free_event_payload(int type, void *p) {
  if (type == WC_EV_OUTPUT) {
    adec_output *o = p;
    if (!o) return;
    if (o->slot.frame && o->d && o->d->bin && wc_frame_bin_put(o->d->bin, &o->slot) == 0) return;
    output_free(o);
  } else if (type == WC_EV_ERROR) {
    wc_error_free(p);
  }
}

/* ---------------------------------------------------------------- worker side */

static void close_codec(wc_audio_decoder *d) {
  avcodec_free_context(&d->ctx);
  av_frame_free(&d->spare);
  swr_free(&d->swr);
  memset(&d->clock, 0, sizeof d->clock);
}

/*
 * Small frames are copied into a buffer of the output's own, kept across reuses, and the
 * decoder's frame is unreferenced at once, as a plain decode loop does: its buffer pool then
 * cycles one or two warm buffers, and the per-frame references libavcodec allocates (buffer
 * refs, decode data) are freed while they are still in this thread's cache, instead of ~100
 * frames later from the bin, where they overflowed glibc's thread cache (malloc_consolidate
 * and unlink_chunk in perf). An hour of AAC: 3-4% faster (bench/audio.js; notes of issue 9).
 * Larger frames (PCM chunks of a second, say) are moved: a copy would cost more than it saves.
 */
#define ADEC_COPY_MAX (64 * 1024) /* bytes of samples */
/* Idle outputs keep their buffers up to this many bytes in all. Bounded in bytes, not outputs:
 * the outputs in circulation are the decode queue, the posted events and those JS has not closed
 * yet, 100-200 for a producer that keeps 64 chunks queued; a bound of 64 outputs made a third of
 * an hour of AAC's outputs allocate their buffer again (av_frame_get_buffer, malloc_consolidate). */
#define ADEC_KEEP_BYTES (4 * 1024 * 1024) /* AAC stereo (8 KiB a frame): 512 outputs */

static size_t frame_bytes(const AVFrame *f) {
  return (size_t)f->nb_samples * (size_t)f->ch_layout.nb_channels *
         (size_t)av_get_bytes_per_sample((enum AVSampleFormat)f->format);
}

/* Worker: an adec_output for the next frame, reused when one has come back (the references of
 * those back in the bin are freed here, on the thread that allocated them). */
static adec_output *output_get(wc_audio_decoder *d) {
  adec_output *o;
  if (!d->idle && d->bin) {
    wc_node *n = wc_frame_bin_take(d->bin);
    while (n) {
      wc_node *next = n->next;
      AVFrame *f = ((adec_output *)n)->slot.frame;
      /* its buffer stays for the next copy unless it is a moved (large) frame's, a clone() still
       * shares it, or enough are kept: idle memory stays under ADEC_KEEP_BYTES */
      size_t bytes = f->buf[0] ? frame_bytes(f) : 0;
      if (bytes && bytes <= ADEC_COPY_MAX && d->idle_kept + bytes <= ADEC_KEEP_BYTES && av_frame_is_writable(f))
        d->idle_kept += bytes;
      else
        av_frame_unref(f);
      n->next = d->idle;
      d->idle = n;
      n = next;
    }
  }
  if ((o = (adec_output *)d->idle)) {
    d->idle = o->slot.node.next;
    o->slot.node.next = NULL;
    if (o->slot.frame->buf[0]) d->idle_kept -= frame_bytes(o->slot.frame);
    return o;
  }
  if (!(o = calloc(1, sizeof(*o)))) return NULL;
  if (!(o->slot.frame = av_frame_alloc())) {
    free(o);
    return NULL;
  }
  o->d = d;
  return o;
}

/* Worker: o was not posted; back to the idle list, empty. */
static void output_recycle(wc_audio_decoder *d, adec_output *o) {
  av_frame_unref(o->slot.frame);
  o->slot.node.next = d->idle;
  d->idle = &o->slot.node;
}

/* dst (an output's frame) takes src's samples: copied into dst's own buffer (reused when its
 * shape is the same) when `copy`, else src's references move. src is left empty. 0 or -1. */
static int output_take(AVFrame *dst, AVFrame *src, int copy) {
  if (!copy) {
    av_frame_unref(dst);
    av_frame_move_ref(dst, src);
  } else {
    if (!dst->buf[0] || dst->format != src->format || dst->nb_samples != src->nb_samples ||
        dst->sample_rate != src->sample_rate || av_channel_layout_compare(&dst->ch_layout, &src->ch_layout) != 0) {
      av_frame_unref(dst);
      dst->format = src->format;
      dst->nb_samples = src->nb_samples;
      dst->sample_rate = src->sample_rate;
      if (av_channel_layout_copy(&dst->ch_layout, &src->ch_layout) < 0 || av_frame_get_buffer(dst, 0) < 0) {
        av_frame_unref(dst);
        av_frame_unref(src);
        return -1;
      }
    }
    if (av_frame_copy(dst, src) < 0) {
      av_frame_unref(dst);
      av_frame_unref(src);
      return -1;
    }
    av_frame_unref(src);
  }
  dst->pts = AV_NOPTS_VALUE; /* the timestamp lives in JS from here on */
  return 0;
}

/* Receives every frame available now and posts it. 0, AVERROR_EOF after draining, or an error
 * (AVERROR_EXTERNAL: already posted). */
static int receive_all(wc_audio_decoder *d, wc_worker *w, uint32_t epoch) {
  for (;;) {
    AVFrame *f;
    adec_output *o;
    int ret, fmt, convert;
    if (!d->spare && !(d->spare = av_frame_alloc())) return AVERROR(ENOMEM);
    ret = avcodec_receive_frame(d->ctx, d->spare);
    if (ret < 0) return ret == AVERROR(EAGAIN) ? 0 : ret;
    f = d->spare; /* the output takes this frame; the next receive gets a new one */
    d->spare = NULL;
    if (f->nb_samples <= 0) { /* nothing to output (a frame made only of discarded priming) */
      av_frame_free(&f);
      continue;
    }
    if (f->sample_rate <= 0 || f->ch_layout.nb_channels <= 0) {
      av_frame_free(&f);
      wc_worker_post_error(w, epoch, wc_error_new("EncodingError", "AudioDecoder: the decoder produced a frame without a sample rate or channels"));
      return AVERROR_EXTERNAL;
    }
    fmt = wc_audio_decoder_output_format(f->format, &convert);
    if (convert) {
      char why[128];
      AVFrame *c = wc_audio_decoder_convert(&d->swr, f, fmt, why, sizeof why);
      av_frame_free(&f);
      if (!c) {
        wc_worker_post_error(w, epoch, wc_error_new("EncodingError", "AudioDecoder: output frame: %s", why));
        return AVERROR_EXTERNAL;
      }
      f = c;
    }
    if (!(o = output_get(d))) {
      av_frame_free(&f);
      return AVERROR(ENOMEM);
    }
    o->timestamp = wc_audio_clock_next(&d->clock, f->pts, f->nb_samples, f->sample_rate);
    /* a converted frame is already new memory of this thread's: moved */
    ret = output_take(o->slot.frame, f, !convert && frame_bytes(f) <= ADEC_COPY_MAX);
    /* f is empty now: the next receive's frame (one allocation less) */
    if (!d->spare) d->spare = f;
    else av_frame_free(&f);
    if (ret < 0) {
      output_recycle(d, o);
      return AVERROR(ENOMEM);
    }
    o->format = fmt;
    atomic_fetch_add_explicit(&d->stats->outputs, 1, memory_order_relaxed);
    wc_worker_post(w, WC_EV_OUTPUT, epoch, 0, o);
  }
}

static void report(wc_worker *w, uint32_t epoch, const char *what, int ret) {
  if (ret == AVERROR_EXTERNAL) return; /* already posted */
  wc_worker_post_error(w, epoch, wc_error_av("EncodingError", what, ret));
}

static void adec_configure(wc_audio_decoder *d, wc_worker *w, wc_cmd *cmd) {
  adec_config *cfg = cmd->payload;
  char why[256] = "";
  int r;
  if (d->ctx && avcodec_send_packet(d->ctx, NULL) >= 0) {
    /* Reconfiguring: the samples of chunks decoded before are still outputs of those decode()
     * calls: drain the old decoder first. Its errors do not concern the new one. */
    int was_failed = w->failed;
    receive_all(d, w, cmd->epoch);
    w->failed = was_failed;
  }
  close_codec(d);
  if (!cfg->parsed) {
    wc_worker_post_error(w, cmd->epoch, wc_error_new("NotSupportedError", "AudioDecoderConfig.codec: \"%s\" is not a supported audio codec string", cfg->codec));
    return;
  }
  r = wc_audio_decoder_check(&cfg->p, why, sizeof why);
  if (r == WC_AUDIO_CONFIG_OK && wc_audio_decoder_open(&cfg->p, &d->ctx, why, sizeof why) == 0) return;
  wc_worker_post_error(w, cmd->epoch, wc_error_new("NotSupportedError", "AudioDecoder.configure(\"%s\"): %s", cfg->codec, why));
}

static void decode_packet(wc_audio_decoder *d, wc_worker *w, wc_cmd *cmd, AVPacket *pkt);

#define PKTS_BATCH 16

static void packets_free(wc_node *n);

/* Worker: the decoded packets collected so far go back to the JS thread in one step. */
static void packets_give_back(wc_audio_decoder *d) {
  if (wc_queue_push_list(&d->pkts_back, &d->pkts_done, SIZE_MAX) < 0) {
    packets_free(d->pkts_done.first);
    d->pkts_done = (wc_list){NULL, NULL, 0};
  }
}

static void adec_decode(wc_audio_decoder *d, wc_worker *w, wc_cmd *cmd) {
  adec_packet *ap = cmd->payload;
  decode_packet(d, w, cmd, ap->pkt);
  /* The packet goes back to the JS thread, whose memory it is (its unref frees a reference of
   * the JS thread's there, and the data goes back to the JS thread's pool), PKTS_BATCH at a time. */
  if (!d->pkts_ready) return;
  cmd->payload = NULL;
  wc_list_add(&d->pkts_done, &ap->node);
  if (d->pkts_done.len >= PKTS_BATCH) packets_give_back(d);
}

static void decode_packet(wc_audio_decoder *d, wc_worker *w, wc_cmd *cmd, AVPacket *pkt) {
  int64_t t0 = wc_now_ns();
  int ret;
  wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
  atomic_fetch_add_explicit(&d->stats->inputs, 1, memory_order_relaxed);
  if (!d->ctx) return;  /* configure failed: the error is on its way */
  if (pkt->size == 0) return; /* an empty chunk holds nothing to decode (to libavcodec it would mean end of stream) */
  while ((ret = avcodec_send_packet(d->ctx, pkt)) == AVERROR(EAGAIN)) {
    if ((ret = receive_all(d, w, cmd->epoch)) < 0) break;
  }
  if (ret < 0 && ret != AVERROR_EOF)
    report(w, cmd->epoch, "avcodec_send_packet", ret);
  else if ((ret = receive_all(d, w, cmd->epoch)) < 0 && ret != AVERROR_EOF)
    report(w, cmd->epoch, "avcodec_receive_frame", ret);
  wc_stats_time(d->stats, wc_now_ns() - t0);
}

static void adec_flush(wc_audio_decoder *d, wc_worker *w, wc_cmd *cmd) {
  int ret;
  if (d->ctx) {
    ret = avcodec_send_packet(d->ctx, NULL);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_send_packet(flush)", ret);
      return;
    }
    ret = receive_all(d, w, cmd->epoch);
    if (ret < 0 && ret != AVERROR_EOF) {
      report(w, cmd->epoch, "avcodec_receive_frame(flush)", ret);
      return;
    }
    /* Drained: make the decoder accept new input. */
    avcodec_flush_buffers(d->ctx);
  }
  /* After flush() the spec requires a key chunk next: a new stream, timed from its own timestamps,
   * not continued from (or snapped within the tolerance to) the count before the flush. */
  memset(&d->clock, 0, sizeof d->clock);
  wc_worker_post(w, WC_EV_FLUSHED, cmd->epoch, cmd->seq, NULL);
}

static void adec_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  wc_audio_decoder *d = impl;
  switch (cmd->type) {
    case WC_CMD_CONFIGURE: adec_configure(d, w, cmd); break;
    case WC_CMD_DECODE: adec_decode(d, w, cmd); break;
    case WC_CMD_FLUSH: adec_flush(d, w, cmd); break;
    case WC_CMD_RESET: close_codec(d); break;
    default: break;
  }
}

static void adec_teardown(void *impl) {
  close_codec(impl);
  packets_give_back(impl);
}

static void packets_free(wc_node *n) {
  while (n) {
    wc_node *next = n->next;
    free_cmd_payload(WC_CMD_DECODE, n);
    n = next;
  }
}

static void adec_impl_free(void *impl) {
  wc_audio_decoder *d = impl;
  if (!d) return;
  close_codec(d);
  if (d->bin) {
    free_list(wc_frame_bin_close(d->bin)); /* an AudioData closed from now on frees its frame itself */
    wc_frame_bin_unref(&d->bin);
  }
  free_list(d->idle);
  d->idle = NULL;
  if (d->pkts_ready) {
    wc_queue_quit(&d->pkts_back);
    packets_free(wc_queue_take_all(&d->pkts_back, NULL));
    wc_queue_destroy(&d->pkts_back);
  }
  packets_free(d->pkts_idle);
  d->pkts_idle = NULL;
  for (int i = 0; i < ADEC_POOLS; i++) av_buffer_pool_uninit(&d->pools[i]); /* freed once every buffer is back */
  free(d);
}

static const wc_worker_ops adec_ops = {adec_run, adec_teardown, free_cmd_payload, free_event_payload};

/* ---------------------------------------------------------------- JS side */

/* Scratch layout for an output (lib/audio-decoder.js reads the same indices). */
enum { S_FORMAT = 0, S_SAMPLE_RATE, S_FRAMES, S_CHANNELS, S_TIMESTAMP };

static int adec_output_js(napi_env env, wc_codec *c, wc_event *ev, napi_value *arg) {
  adec_output *o = ev->payload;
  AVFrame *f = o->slot.frame;
  double *s = wc_env_get(env)->scratch;
  s[S_FORMAT] = o->format;
  s[S_SAMPLE_RATE] = f->sample_rate;
  s[S_FRAMES] = f->nb_samples;
  s[S_CHANNELS] = f->ch_layout.nb_channels;
  s[S_TIMESTAMP] = (double)o->timestamp;
  if (o->d->bin) {
    /* The handle takes o; its frame goes back to the worker's bin when the AudioData is closed. */
    if (!(*arg = wc_audio_data_new_slot(env, &o->slot, o->d->bin, o->format, c->stats))) return -1;
    ev->payload = NULL;
    return 0;
  }
  *arg = wc_audio_data_new_handle(env, o->slot.frame, o->format, 0, c->stats);
  o->slot.frame = NULL;
  return *arg ? 0 : -1;
}

static const wc_codec_class adec_class = {"AudioDecoder", &adec_ops, adec_output_js, adec_impl_free};

/* audioDecoderCreate(owner, nice) -> handle */
static napi_value js_create(napi_env env, napi_callback_info info) {
  napi_value argv[2], h;
  wc_audio_decoder *d;
  int32_t nice;
  wc_codec *c;
  if (wc_args(env, info, 2, argv, NULL) < 0 || wc_get_int32(env, argv[1], "nice", &nice) < 0) return NULL;
  if (!(d = calloc(1, sizeof(*d)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  d->bin = wc_frame_bin_new(); /* NULL: outputs are freed where they are closed */
  d->pkts_ready = wc_queue_init(&d->pkts_back) == 0;
  if (!(h = wc_codec_create(env, argv[0], &adec_class, d, nice, &c))) return NULL;
  d->stats = c->stats;
  return h;
}

/* Reads {codec, sampleRate, numberOfChannels, description|null, discardPriming, threads} into a config. */
static adec_config *read_config(napi_env env, napi_value o) {
  adec_config *cfg = calloc(1, sizeof(*cfg));
  uint8_t *desc;
  size_t desc_len;
  int32_t threads;
  double rate, channels;
  if (!cfg) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (wc_prop_string(env, o, "codec", cfg->codec, sizeof cfg->codec) < 0 ||
      wc_prop_bytes_opt(env, o, "description", &desc, &desc_len) < 0 ||
      wc_prop_double(env, o, "sampleRate", &rate) < 0 || wc_prop_double(env, o, "numberOfChannels", &channels) < 0 ||
      wc_prop_bool(env, o, "discardPriming", &cfg->p.discard_priming) < 0 ||
      wc_prop_int32(env, o, "threads", &threads) < 0) {
    config_free(cfg);
    return NULL;
  }
  cfg->parsed = wc_audio_codec_parse(cfg->codec, strlen(cfg->codec), &cfg->p.info) == 0;
  /* values beyond int are unsupported anyway: clamp, let the check say no */
  cfg->p.sample_rate = rate > 1e9 ? 1000000000 : (int)rate;
  cfg->p.channels = channels > 1e6 ? 1000000 : (int)channels;
  cfg->p.threads = threads < 0 ? 0 : threads;
  if (desc_len > (1u << 24)) desc_len = (1u << 24); /* an absurd description cannot be valid; the decoder will say so */
  if (desc_len) {
    if (!(cfg->extradata = av_malloc(desc_len))) {
      config_free(cfg);
      napi_throw_error(env, NULL, "webcodecs-native: out of memory");
      return NULL;
    }
    memcpy(cfg->extradata, desc, desc_len);
    cfg->p.extradata = cfg->extradata;
    cfg->p.extradata_size = (int)desc_len;
  }
  return cfg;
}

/* audioDecoderConfigure(h, config) -> seq */
static napi_value js_configure(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  wc_codec *c;
  adec_config *cfg;
  if (wc_args(env, info, 2, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) || !(cfg = read_config(env, argv[1])))
    return NULL;
  return wc_codec_send(env, c, WC_CMD_CONFIGURE, cfg);
}

/* JS thread: pkt gets len bytes of data (zeroed padding after them) from the decoder's pools, or
 * of its own beyond the largest class. 0 or a negative AVERROR. */
static int packet_data(wc_audio_decoder *d, AVPacket *pkt, int len) {
  for (int i = 0; i < ADEC_POOLS; i++) {
    AVBufferRef *b;
    if (len > pool_size[i] - AV_INPUT_BUFFER_PADDING_SIZE) continue;
    if (!d->pools[i] && !(d->pools[i] = av_buffer_pool_init((size_t)pool_size[i], NULL))) break;
    if (!(b = av_buffer_pool_get(d->pools[i]))) break;
    pkt->buf = b;
    pkt->data = b->data;
    pkt->size = len;
    memset(b->data + len, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    return 0;
  }
  return av_new_packet(pkt, len);
}

/* JS thread: an adec_packet with an empty packet, reused when decoded ones have come back. */
static adec_packet *packet_get(wc_audio_decoder *d) {
  adec_packet *ap;
  if (!d->pkts_idle && d->pkts_ready) {
    wc_node *n = wc_queue_take_all(&d->pkts_back, NULL);
    while (n) {
      wc_node *next = n->next;
      av_packet_unref(((adec_packet *)n)->pkt);
      n->next = d->pkts_idle;
      d->pkts_idle = n;
      n = next;
    }
  }
  if ((ap = (adec_packet *)d->pkts_idle)) {
    d->pkts_idle = ap->node.next;
    ap->node.next = NULL;
    return ap;
  }
  if (!(ap = calloc(1, sizeof(*ap)))) return NULL;
  if (!(ap->pkt = av_packet_alloc())) {
    free(ap);
    return NULL;
  }
  return ap;
}

/* audioDecoderDecode(h, data, timestamp) -> seq */
static napi_value js_decode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  wc_codec *c;
  uint8_t *data;
  size_t len;
  int64_t ts;
  AVPacket *pkt;
  adec_packet *ap;
  if (wc_args(env, info, 3, argv, NULL) < 0 || !(c = wc_codec_from(env, argv[0])) ||
      wc_get_bytes(env, argv[1], "data", &data, &len) < 0 || wc_get_int64(env, argv[2], "timestamp", &ts) < 0)
    return NULL;
  if (len > INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE) {
    wc_throw_type(env, "EncodedAudioChunk: %zu bytes is too large", len);
    return NULL;
  }
  /* JS memory never crosses to the worker: the bytes are copied into a padded packet here. */
  if (!(ap = packet_get(c->impl)) || packet_data(c->impl, ap->pkt, (int)len) < 0) {
    if (ap) free_cmd_payload(WC_CMD_DECODE, ap);
    napi_throw_range_error(env, NULL, "AudioDecoder.decode: out of memory");
    return NULL;
  }
  pkt = ap->pkt;
  if (len) memcpy(pkt->data, data, len);
  pkt->pts = ts;
  pkt->flags |= AV_PKT_FLAG_KEY;
  return wc_codec_send(env, c, WC_CMD_DECODE, ap);
}

/* ---- isConfigSupported: the check, then really opening (and closing) the decoder, on the thread pool */

typedef struct support_job {
  napi_async_work work;
  napi_deferred deferred;
  adec_config *cfg;
  int supported;
  char reason[256];
} support_job;

static void support_execute(napi_env env, void *data) {
  support_job *j = data;
  AVCodecContext *ctx = NULL;
  int r;
  (void)env;
  if (!j->cfg->parsed) {
    snprintf(j->reason, sizeof j->reason, "\"%s\" is not a supported audio codec string", j->cfg->codec);
    return;
  }
  j->cfg->p.threads = 1;
  r = wc_audio_decoder_check(&j->cfg->p, j->reason, sizeof j->reason);
  if (r == WC_AUDIO_CONFIG_NEEDS_DESCRIPTION) {
    /* As Chrome answers: the codec is supported; configure() without the description is not. */
    j->supported = 1;
  } else if (r == WC_AUDIO_CONFIG_OK && wc_audio_decoder_open(&j->cfg->p, &ctx, j->reason, sizeof j->reason) == 0) {
    j->supported = 1;
    avcodec_free_context(&ctx);
  }
}

static void support_complete(napi_env env, napi_status status, void *data) {
  support_job *j = data;
  napi_value o;
  if (napi_create_object(env, &o) == napi_ok) {
    wc_set_bool(env, o, "supported", status == napi_ok && j->supported);
    wc_set_string(env, o, "reason", j->reason);
    napi_resolve_deferred(env, j->deferred, o);
  }
  napi_delete_async_work(env, j->work);
  config_free(j->cfg);
  free(j);
}

/* audioDecoderSupport(config) -> Promise<{supported, reason}> */
static napi_value js_support(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  support_job *j;
  if (wc_args(env, info, 1, argv, NULL) < 0) return NULL;
  if (!(j = calloc(1, sizeof(*j)))) {
    napi_throw_error(env, NULL, "webcodecs-native: out of memory");
    return NULL;
  }
  if (!(j->cfg = read_config(env, argv[0]))) {
    free(j);
    return NULL;
  }
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "webcodecs-native:AudioDecoder.isConfigSupported", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, support_execute, support_complete, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->work) napi_delete_async_work(env, j->work);
    config_free(j->cfg);
    free(j);
    wc_throw_status(env, napi_generic_failure, "queue isConfigSupported");
    return NULL;
  }
  return promise;
}

napi_status wc_audio_decoder_init(napi_env env, napi_value exports) {
  napi_status s;
  if ((s = wc_export(env, exports, "audioDecoderCreate", js_create)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "audioDecoderConfigure", js_configure)) != napi_ok) return s;
  if ((s = wc_export(env, exports, "audioDecoderDecode", js_decode)) != napi_ok) return s;
  return wc_export(env, exports, "audioDecoderSupport", js_support);
}
