/*
 * audio_encoder.c - AudioEncoder's engine on the codec worker: AudioData of any
 * sample format is converted (and resampled where the codec does not take the
 * configured rate) by libswresample into an input FIFO in the encoder's format,
 * cut into the encoder's fixed frames, encoded, and packaged as the codec
 * registrations describe (audio_encoder_codecs.c).
 *
 * Format conversion is wc_audio_copy (stateless); libswresample only resamples.
 *
 * Timeline: a session (from the encoder's open to the next flush or reconfigure)
 * starts at the timestamp of its first AudioData; a chunk's timestamp and
 * duration come from its sample position p at the encoder's rate as
 * t0 + round(p * 1e6 / rate), so they never drift by rounding. The position of a
 * chunk is its pts relative to the session's first packet, whose pts is minus the
 * encoder's priming, so the first chunk lies at t0: the priming is signalled in
 * the description (OpusHead pre-skip) where the format has a place for it
 * (WC_AENC_TIMESTAMPS_INCLUDE_PRIMING is the switch). Later AudioData timestamps
 * do not move the timeline: the samples are contiguous.
 *
 * flush() sends the last partial frame (padded with silence where the encoder
 * needs whole frames; Opus gets enough silence to push its lookahead out),
 * drains the encoder and closes it; the next AudioData opens a new session.
 *
 * Threads: everything here runs on the encoder's worker thread, which alone owns
 * the encoder, the FIFO and the converter. The Node-API glue is audio_encoder_js.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "wc/audio/audio_encoder_internal.h"

#include <libavutil/mathematics.h>
#include <libavutil/samplefmt.h>
#include <stdio.h>
#include <string.h>

#include "wc/audio/sample_format.h"
#include "wc/engine/errors.h"

/* ---------------------------------------------------------------- payloads */

void wc_aenc_input_free(aenc_input *in) {
  if (!in) return;
  av_frame_free(&in->frame);
  free(in);
}

static void output_free(aenc_output *o) {
  if (!o) return;
  av_free(o->data);
  av_free(o->description);
  free(o);
}

static void free_cmd_payload(int type, void *p) {
  if (type == WC_CMD_CONFIGURE)
    free(p);
  else if (type == WC_CMD_ENCODE)
    wc_aenc_input_free(p);
}

static void free_event_payload(int type, void *p) {
  if (type == WC_EV_OUTPUT)
    output_free(p);
  else if (type == WC_EV_ERROR)
    wc_error_free(p);
}

/* ---------------------------------------------------------------- session */

static void end_session(wc_aenc *e) {
  wc_aenc_close(e);
  av_audio_fifo_free(e->fifo);
  e->fifo = NULL;
  swr_free(&e->rs);
  av_frame_free(&e->frame);
  av_packet_free(&e->pkt);
  output_free(e->held);
  e->held = NULL;
  e->have_t0 = 0;
  e->t0 = 0;
  e->sent = e->real = e->out_pos = 0;
  e->have_first_pts = 0;
  e->first_pts = 0;
}

static void forget_config(wc_aenc *e) {
  end_session(e);
  av_freep(&e->description);
  e->description_size = 0;
  e->have_cfg = 0;
  e->config_pending = 0;
  e->fresh_config = 0;
}

static int64_t ts_of(const wc_aenc *e, int64_t pos) {
#if WC_AENC_TIMESTAMPS_INCLUDE_PRIMING
  pos += e->first_pts;
#endif
  return e->t0 + av_rescale_rnd(pos, 1000000, e->rate, AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX);
}

static int post_error(wc_worker *w, uint32_t epoch, const char *name, const char *fmt, const char *arg, int averr) {
  char msg[160] = "";
  if (averr) wc_averror_str(averr, msg, sizeof msg);
  wc_worker_post_error(w, epoch, wc_error_new(name, "AudioEncoder: %s%s%s%s", fmt, arg ? arg : "", averr ? ": " : "", msg));
  return AVERROR_EXTERNAL;
}

static void post_output(wc_aenc *e, wc_worker *w, uint32_t epoch, aenc_output *o) {
  if (e->fresh_config) {
    o->fresh = 1;
    e->fresh_config = 0;
    e->config_pending = 1;
  }
  if (e->config_pending) {
    o->has_config = 1;
    snprintf(o->codec, sizeof o->codec, "%s", e->cfg.codec);
    o->sample_rate = e->cfg.sample_rate;
    o->channels = e->cfg.channels;
    if (e->description_size && (o->description = av_malloc(e->description_size))) {
      memcpy(o->description, e->description, e->description_size);
      o->description_size = e->description_size;
    }
    e->config_pending = 0;
  }
  atomic_fetch_add_explicit(&e->stats->outputs, 1, memory_order_relaxed);
  wc_worker_post(w, WC_EV_OUTPUT, epoch, 0, o);
}

/* Takes one packet: its place on the timeline, its bytes (with an ADTS header when asked), a
 * description update (FLAC's final STREAMINFO). 0 or an AVERROR. */
static int take_packet(wc_aenc *e, wc_worker *w, uint32_t epoch, AVPacket *pkt) {
  size_t side_size = 0;
  uint8_t *side = av_packet_get_side_data(pkt, AV_PKT_DATA_NEW_EXTRADATA, &side_size);
  int64_t pos, dur;
  aenc_output *o;
  size_t head = e->cfg.kind == WC_AENC_AAC && e->cfg.aac_adts ? 7 : 0;
  if (side && side_size && wc_aenc_describe(e, side, side_size)) e->config_pending = 1;
  if (pkt->size <= 0) return 0; /* side data only */
  if (pkt->pts != AV_NOPTS_VALUE && !e->have_first_pts) {
    /* The first packet's pts is minus the encoder's priming: -initial_padding for aac and
     * libmp3lame, -lookahead for Opus, -128 for libvorbis (which does not report it). */
    e->first_pts = pkt->pts;
    e->have_first_pts = 1;
  }
  pos = pkt->pts != AV_NOPTS_VALUE ? pkt->pts - e->first_pts : e->out_pos;
  if (pos < e->out_pos) pos = e->out_pos; /* never back in time */
  dur = pkt->duration > 0 ? pkt->duration : e->frame_size > 0 ? e->frame_size : 1;
  e->out_pos = pos + dur;
  if (!(o = calloc(1, sizeof(*o)))) return AVERROR(ENOMEM);
  o->timestamp = ts_of(e, pos);
  o->duration = ts_of(e, pos + dur) - o->timestamp;
  if (o->duration < 1) o->duration = 1;
  if (!(o->data = av_malloc((size_t)pkt->size + head))) {
    output_free(o);
    return AVERROR(ENOMEM);
  }
  if (head && wc_aenc_adts_header(e, (size_t)pkt->size, o->data) < 0) {
    output_free(o);
    return AVERROR(EINVAL);
  }
  memcpy(o->data + head, pkt->data, (size_t)pkt->size);
  o->size = (size_t)pkt->size + head;
  if (e->hold_last) {
    /* the chunk waits for its successor: the final STREAMINFO may still come for it */
    aenc_output *prev = e->held;
    e->held = o;
    if (prev) post_output(e, w, epoch, prev);
  } else {
    post_output(e, w, epoch, o);
  }
  return 0;
}

static int receive_all(wc_aenc *e, wc_worker *w, uint32_t epoch) {
  int ret;
  for (;;) {
    ret = wc_aenc_receive(e, e->pkt);
    if (ret < 0) break;
    ret = take_packet(e, w, epoch, e->pkt);
    av_packet_unref(e->pkt);
    if (ret < 0) return ret;
  }
  return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
}

/* Sends n samples from the FIFO (n <= its size; or n > size for a last frame padded with silence). */
static int send_from_fifo(wc_aenc *e, wc_worker *w, uint32_t epoch, int n, int padded_to) {
  int ret, got, total = padded_to > n ? padded_to : n;
  AVFrame *f = e->frame;
  if (f->nb_samples != total || !f->buf[0]) {
    av_frame_unref(f);
    f->format = e->fmt;
    f->sample_rate = e->rate;
    if ((ret = av_channel_layout_copy(&f->ch_layout, &e->layout)) < 0) return ret;
    f->nb_samples = total;
    if ((ret = av_frame_get_buffer(f, 0)) < 0) return ret;
  } else if ((ret = av_frame_make_writable(f)) < 0) {
    return ret;
  }
  got = av_audio_fifo_read(e->fifo, (void **)f->extended_data, n);
  if (got < 0) return got;
  if (got < total)
    av_samples_set_silence(f->extended_data, got, total - got, e->layout.nb_channels, e->fmt);
  f->pts = e->sent;
  e->sent += total;
  while ((ret = wc_aenc_send(e, f)) == AVERROR(EAGAIN)) {
    if ((ret = receive_all(e, w, epoch)) < 0) return ret;
  }
  if (ret < 0) return ret;
  return receive_all(e, w, epoch);
}

/* Encodes every whole frame waiting in the FIFO (everything, for encoders of any frame size). */
static int encode_ready(wc_aenc *e, wc_worker *w, uint32_t epoch) {
  int ret;
  for (;;) {
    int have = av_audio_fifo_size(e->fifo);
    int n = e->frame_size > 0 ? e->frame_size : have;
    if (have <= 0 || have < n) return 0;
    if ((ret = send_from_fifo(e, w, epoch, n, 0)) < 0) return ret;
  }
}

/* ---- conversion into the FIFO */

static int fifo_write(wc_aenc *e, uint8_t **data, int n) {
  int ret = av_audio_fifo_write(e->fifo, (void **)data, n);
  if (ret < 0) return ret;
  e->real += n;
  return 0;
}

/* Pushes whatever the resampler still holds (its delay) into the FIFO: the end of the input. */
static int drain_resampler(wc_aenc *e) {
  int ret = 0;
  if (!e->rs) return 0;
  for (;;) {
    int cap = swr_get_out_samples(e->rs, 0);
    uint8_t **buf = NULL;
    int n;
    if (cap <= 0) break;
    if (av_samples_alloc_array_and_samples(&buf, NULL, e->layout.nb_channels, cap, e->fmt, 0) < 0) return AVERROR(ENOMEM);
    n = swr_convert(e->rs, buf, cap, NULL, 0);
    if (n > 0) ret = fifo_write(e, buf, n);
    av_freep(&buf[0]);
    av_freep(&buf);
    if (n <= 0 || ret < 0) {
      if (n < 0) ret = n;
      break;
    }
  }
  return ret;
}

/* n samples in the encoder's format at the configured rate -> the FIFO, resampled when the
 * encoder runs at another rate. */
static int resample_into_fifo(wc_aenc *e, uint8_t **data, int n) {
  int ch = e->layout.nb_channels, ret, cap, got;
  uint8_t **buf = NULL;
  if (e->cfg.sample_rate == e->rate) return fifo_write(e, data, n);
  if (e->rs && (e->rs_in_rate != e->cfg.sample_rate || e->rs_out_rate != e->rate || e->rs_fmt != e->fmt || e->rs_channels != ch)) {
    if ((ret = drain_resampler(e)) < 0) return ret;
    swr_free(&e->rs);
  }
  if (!e->rs) {
    /* the same layout on both sides: channels are carried, never remixed */
    if ((ret = swr_alloc_set_opts2(&e->rs, &e->layout, e->fmt, e->rate, &e->layout, e->fmt, e->cfg.sample_rate, 0, NULL)) < 0)
      return ret;
    if ((ret = swr_init(e->rs)) < 0) {
      swr_free(&e->rs);
      return ret;
    }
    e->rs_in_rate = e->cfg.sample_rate;
    e->rs_out_rate = e->rate;
    e->rs_fmt = e->fmt;
    e->rs_channels = ch;
  }
  cap = swr_get_out_samples(e->rs, n);
  if (cap <= 0) cap = 1;
  if (av_samples_alloc_array_and_samples(&buf, NULL, ch, cap, e->fmt, 0) < 0) return AVERROR(ENOMEM);
  got = swr_convert(e->rs, buf, cap, (const uint8_t **)data, n);
  ret = got < 0 ? got : got > 0 ? fifo_write(e, buf, got) : 0;
  av_freep(&buf[0]);
  av_freep(&buf);
  return ret;
}

/* An AudioData's samples -> the encoder's sample format -> (resampler) -> the FIFO. The format
 * conversion is wc_audio_copy (libswresample's formulas, AudioData.copyTo()'s code): stateless, so
 * an input format that changes from one AudioData to the next needs nothing rebuilt, and any channel
 * count works (libswresample stops at 64). */
static int convert_into_fifo(wc_aenc *e, const AVFrame *in) {
  int ch = e->layout.nb_channels, ret = 0, linesize = 0;
  int src = wc_sample_format_from_av(in->format), dst = wc_sample_format_from_av(e->fmt);
  uint8_t **buf = NULL;
  char why[128];
  wc_audio_view v;
  if (in->format == e->fmt) return resample_into_fifo(e, in->extended_data, in->nb_samples);
  if (src < 0 || dst < 0 || in->ch_layout.nb_channels != ch) return AVERROR(EINVAL);
  if (av_samples_alloc_array_and_samples(&buf, &linesize, ch, in->nb_samples, e->fmt, 0) < 0) return AVERROR(ENOMEM);
  v.format = src;
  v.channels = (uint32_t)ch;
  v.frames = (uint32_t)in->nb_samples;
  v.planes = (const uint8_t *const *)in->extended_data;
  for (int p = 0; p < (wc_sample_format_planar(dst) ? ch : 1) && ret >= 0; p++) {
    size_t len = (size_t)in->nb_samples * (size_t)wc_sample_format_bytes(dst) * (wc_sample_format_planar(dst) ? 1 : (size_t)ch);
    if (wc_audio_copy(&v, dst, (uint32_t)p, 0, in->nb_samples, buf[p], len, why, sizeof why) < 0) ret = AVERROR(EINVAL);
  }
  if (ret >= 0) ret = resample_into_fifo(e, buf, in->nb_samples);
  av_freep(&buf[0]);
  av_freep(&buf);
  return ret;
}

/* ---- commands */

static int open_session(wc_aenc *e, int src_fmt, char *why, size_t whylen) {
  int ret = wc_aenc_open(e, src_fmt, why, whylen);
  if (ret < 0) return ret;
  if (!(e->fifo = av_audio_fifo_alloc(e->fmt, e->layout.nb_channels, e->frame_size > 0 ? e->frame_size * 2 : 4096)) ||
      !(e->frame = av_frame_alloc()) || !(e->pkt = av_packet_alloc())) {
    snprintf(why, whylen, "out of memory");
    return AVERROR(ENOMEM);
  }
  e->sent = e->real = e->out_pos = 0;
  e->config_pending = 1;
  return 0;
}

/* Ends the session: the rest of the input (padded as the encoder needs), the encoder's delay, the
 * chunk held back; closes the encoder. 0, or an AVERROR after posting the error. */
static int finish_session(wc_aenc *e, wc_worker *w, uint32_t epoch) {
  int ret = 0, rest;
  if (!e->ctx && !e->opus) {
    end_session(e);
    return 0;
  }
  if ((ret = drain_resampler(e)) < 0) goto fail;
  if ((ret = encode_ready(e, w, epoch)) < 0) goto fail;
  if (e->opus) {
    /* enough silence that every input sample leaves the encoder's lookahead, in whole frames */
    int64_t need = e->real + e->priming;
    while (e->sent < need) {
      if ((ret = send_from_fifo(e, w, epoch, av_audio_fifo_size(e->fifo), e->frame_size)) < 0) goto fail;
    }
  } else if ((rest = av_audio_fifo_size(e->fifo)) > 0) {
    ret = send_from_fifo(e, w, epoch, rest, e->small_last || e->frame_size <= 0 ? 0 : e->frame_size);
    if (ret < 0) goto fail;
  }
  if ((ret = wc_aenc_send(e, NULL)) < 0 && ret != AVERROR_EOF) goto fail;
  if ((ret = receive_all(e, w, epoch)) < 0) goto fail;
  if (e->held) {
    post_output(e, w, epoch, e->held);
    e->held = NULL;
  }
  end_session(e);
  return 0;
fail:
  if (ret != AVERROR_EXTERNAL) post_error(w, epoch, "EncodingError", "draining the encoder", NULL, ret);
  end_session(e);
  return AVERROR_EXTERNAL;
}

static void enc_encode(wc_aenc *e, wc_worker *w, wc_cmd *cmd) {
  aenc_input *in = cmd->payload;
  AVFrame *f = in->frame;
  char why[256] = "";
  int64_t t0 = wc_now_ns();
  int ret;
  atomic_fetch_add_explicit(&e->stats->inputs, 1, memory_order_relaxed);
  if (!e->have_cfg) {
    wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
    return;
  }
  if (f->sample_rate != e->cfg.sample_rate || f->ch_layout.nb_channels != e->cfg.channels) {
    /* as Chrome does: the input must match the configuration, else the encoder fails */
    wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
    wc_worker_post_error(w, cmd->epoch,
                         wc_error_new("EncodingError",
                                      "AudioEncoder.encode: the AudioData has sampleRate %d and numberOfChannels %d; "
                                      "the encoder is configured for %d Hz and %d channels",
                                      f->sample_rate, f->ch_layout.nb_channels, e->cfg.sample_rate, e->cfg.channels));
    return;
  }
  if (!e->ctx && !e->opus && (ret = open_session(e, f->format, why, sizeof why)) < 0) {
    wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
    wc_worker_post_error(w, cmd->epoch, wc_error_new(ret == AVERROR(ENOSYS) ? "NotSupportedError" : "EncodingError",
                                                     "AudioEncoder(\"%s\"): %s", e->cfg.codec, why));
    end_session(e);
    return;
  }
  if (!e->have_t0) {
    e->t0 = in->timestamp;
    e->have_t0 = 1;
  }
  ret = convert_into_fifo(e, f);
  /* the samples are in the FIFO now: the AudioData's memory goes back as soon as JS closes it */
  av_frame_free(&in->frame);
  wc_worker_post_deferred(w, WC_EV_DEQUEUED, cmd->epoch, cmd->seq, NULL);
  if (ret < 0) {
    post_error(w, cmd->epoch, "EncodingError", "converting the AudioData", NULL, ret);
    return;
  }
  if ((ret = encode_ready(e, w, cmd->epoch)) < 0) {
    if (ret != AVERROR_EXTERNAL) post_error(w, cmd->epoch, "EncodingError", e->opus ? "libopus" : "avcodec_send_frame", NULL, ret);
    return;
  }
  wc_stats_time(e->stats, wc_now_ns() - t0);
}

static void enc_flush(wc_aenc *e, wc_worker *w, wc_cmd *cmd) {
  if (finish_session(e, w, cmd->epoch) < 0) return;
  wc_worker_post(w, WC_EV_FLUSHED, cmd->epoch, cmd->seq, NULL);
}

static void enc_configure(wc_aenc *e, wc_worker *w, wc_cmd *cmd) {
  wc_aenc_config *cfg = cmd->payload;
  char why[256] = "";
  if (e->ctx || e->opus) {
    /* Reconfiguring: what was encoded before still produces its chunks (as in browsers) */
    int was_failed = w->failed;
    finish_session(e, w, cmd->epoch);
    w->failed = was_failed;
  }
  forget_config(e);
  if (cfg->kind == WC_AENC_NONE || wc_aenc_probe(cfg, why, sizeof why) < 0) {
    if (!why[0]) snprintf(why, sizeof why, "not supported");
    wc_worker_post_error(w, cmd->epoch, wc_error_new("NotSupportedError", "AudioEncoder.configure(\"%s\"): %s", cfg->codec, why));
    return;
  }
  e->cfg = *cfg;
  e->have_cfg = 1;
  e->fresh_config = 1;
}

static void enc_run(void *impl, wc_worker *w, wc_cmd *cmd) {
  wc_aenc *e = impl;
  switch (cmd->type) {
    case WC_CMD_CONFIGURE: enc_configure(e, w, cmd); break;
    case WC_CMD_ENCODE: enc_encode(e, w, cmd); break;
    case WC_CMD_FLUSH: enc_flush(e, w, cmd); break;
    case WC_CMD_RESET: forget_config(e); break;
    default: break;
  }
}

static void enc_teardown(void *impl) { forget_config(impl); }

void wc_aenc_impl_free(void *impl) {
  wc_aenc *e = impl;
  if (!e) return;
  forget_config(e);
  free(e);
}

const wc_worker_ops wc_aenc_ops = {enc_run, enc_teardown, free_cmd_payload, free_event_payload};

wc_aenc *wc_aenc_new(void) { return calloc(1, sizeof(wc_aenc)); }
