/*
 * audio_encoder_codecs.c - AudioEncoder's codec back ends: codec strings, which
 * encoder runs at which rate/format/layout, every AudioEncoderConfig member applied
 * to it, the descriptions the registrations ask for (OpusHead, AudioSpecificConfig,
 * fLaC + STREAMINFO, Xiph-laced Vorbis headers) and ADTS headers.
 *
 * Opus runs on libopus itself: FFmpeg's wrapper has no way to set the signal type
 * (OPUS_SET_SIGNAL) on any version and none to set DTX before FFmpeg 6, and the
 * registration's members are all applied here. The back end follows libavcodec's
 * send/receive contract, so the worker (audio_encoder.c) drives both alike.
 *
 * Threads: the worker thread of one encoder, or the isConfigSupported job (probe).
 */
#include "wc/audio/audio_encoder_internal.h"

#include <libavutil/opt.h>
#include <opus.h>
#include <opus_multistream.h>
#include <stdio.h>
#include <string.h>

#include "wc/engine/errors.h"
#include "wc/formats/audio_codec_string.h"

/* ---------------------------------------------------------------- codec strings */

/* The facts come from the shared audio codec-string parser (src/formats/audio_codec_string.c), so
 * the encoder and the decoder accept exactly the same strings. */
int wc_aenc_parse_codec(wc_aenc_config *cfg, char *why, size_t whylen) {
  wc_audio_codec_info info;
  static const int kinds[] = {
      [WC_AUDIO_AAC] = WC_AENC_AAC,       [WC_AUDIO_OPUS] = WC_AENC_OPUS, [WC_AUDIO_MP3] = WC_AENC_MP3,
      [WC_AUDIO_FLAC] = WC_AENC_FLAC,     [WC_AUDIO_VORBIS] = WC_AENC_VORBIS, [WC_AUDIO_PCM] = WC_AENC_PCM,
      [WC_AUDIO_ULAW] = WC_AENC_PCM,      [WC_AUDIO_ALAW] = WC_AENC_PCM,
  };
  cfg->kind = WC_AENC_NONE;
  if (wc_audio_codec_parse(cfg->codec, strlen(cfg->codec), &info) < 0 || info.codec <= 0 ||
      info.codec >= (int)(sizeof kinds / sizeof kinds[0])) {
    snprintf(why, whylen, "\"%s\" is not a supported audio codec string", cfg->codec);
    return -1;
  }
  cfg->kind = kinds[info.codec];
  cfg->codec_id = cfg->kind == WC_AENC_PCM ? (enum AVCodecID)info.av_codec_id : AV_CODEC_ID_NONE;
  cfg->aac_object_type = info.object_type;
  cfg->aac_mpeg2 = info.mpeg2;
  return 0;
}

const AVCodec *wc_aenc_find(const wc_aenc_config *cfg) {
  switch (cfg->kind) {
    case WC_AENC_AAC:
      /* HE-AAC needs a real SBR/PS encoder (FFmpeg's own aac encoder only does LC); none encodes xHE-AAC */
      if (cfg->aac_object_type == 2) return avcodec_find_encoder_by_name("aac");
      return cfg->aac_object_type == 5 || cfg->aac_object_type == 29 ? avcodec_find_encoder_by_name("libfdk_aac") : NULL;
    case WC_AENC_FLAC: return avcodec_find_encoder_by_name("flac");
    case WC_AENC_MP3: return avcodec_find_encoder_by_name("libmp3lame");
    case WC_AENC_VORBIS: return avcodec_find_encoder_by_name("libvorbis");
    case WC_AENC_PCM: return avcodec_find_encoder(cfg->codec_id);
    default: return NULL;
  }
}

/* ---- what a libavcodec encoder takes (the API moved in libavcodec 61.13) */

static const int *codec_rates(const AVCodec *c) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(61, 13, 100)
  const void *out = NULL;
  int n = 0;
  if (avcodec_get_supported_config(NULL, c, AV_CODEC_CONFIG_SAMPLE_RATE, 0, &out, &n) < 0) return NULL;
  return out;
#else
  return c->supported_samplerates;
#endif
}

static const enum AVSampleFormat *codec_formats(const AVCodec *c) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(61, 13, 100)
  const void *out = NULL;
  int n = 0;
  if (avcodec_get_supported_config(NULL, c, AV_CODEC_CONFIG_SAMPLE_FORMAT, 0, &out, &n) < 0) return NULL;
  return out;
#else
  return c->sample_fmts;
#endif
}

static const AVChannelLayout *codec_layouts(const AVCodec *c) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(61, 13, 100)
  const void *out = NULL;
  int n = 0;
  if (avcodec_get_supported_config(NULL, c, AV_CODEC_CONFIG_CHANNEL_LAYOUT, 0, &out, &n) < 0) return NULL;
  return out;
#else
  return c->ch_layouts;
#endif
}

static const int OPUS_RATES[] = {48000, 24000, 16000, 12000, 8000, 0};

int wc_aenc_codec_rate(const wc_aenc_config *cfg, const AVCodec *codec) {
  const int *rates = cfg->kind == WC_AENC_OPUS ? OPUS_RATES : codec ? codec_rates(codec) : NULL;
  int above = 0, highest = 0;
  if (!rates) return cfg->sample_rate;
  for (int i = 0; rates[i]; i++) {
    if (rates[i] == cfg->sample_rate) return rates[i];
    if (rates[i] > cfg->sample_rate && (!above || rates[i] < above)) above = rates[i];
    if (rates[i] > highest) highest = rates[i];
  }
  return above ? above : highest;
}

/* The encoder's input format for input in src (-1: unknown): src itself, its planar/packed
 * twin, else the encoder's first. FLAC: 16-bit input stays 16-bit, the rest is coded as 24-bit. */
static enum AVSampleFormat choose_format(const wc_aenc_config *cfg, const AVCodec *codec, int src) {
  const enum AVSampleFormat *f = codec_formats(codec);
  if (!f) return AV_SAMPLE_FMT_NONE;
  if (cfg->kind == WC_AENC_FLAC) {
    int narrow = src >= 0 && (av_get_packed_sample_fmt(src) == AV_SAMPLE_FMT_S16 ||
                              av_get_packed_sample_fmt(src) == AV_SAMPLE_FMT_U8);
    enum AVSampleFormat want = narrow ? AV_SAMPLE_FMT_S16 : AV_SAMPLE_FMT_S32;
    for (int i = 0; f[i] != AV_SAMPLE_FMT_NONE; i++)
      if (f[i] == want) return want;
    return f[0];
  }
  if (src >= 0) {
    for (int i = 0; f[i] != AV_SAMPLE_FMT_NONE; i++)
      if (f[i] == (enum AVSampleFormat)src) return f[i];
    for (int i = 0; f[i] != AV_SAMPLE_FMT_NONE; i++)
      if (f[i] == av_get_planar_sample_fmt(src) || f[i] == av_get_packed_sample_fmt(src)) return f[i];
  }
  return f[0];
}

/* A layout of the encoder's with n channels (its first such), else the default order for n.
 * WebCodecs has channel counts only: the same layout is used on both sides of the converter,
 * so channels are never remixed. */
static int choose_layout(const AVCodec *codec, int n, AVChannelLayout *out) {
  const AVChannelLayout *l = codec ? codec_layouts(codec) : NULL;
  if (l) {
    for (int i = 0; l[i].nb_channels; i++)
      if (l[i].nb_channels == n) return av_channel_layout_copy(out, &l[i]);
    return AVERROR(ENOSYS);
  }
  av_channel_layout_default(out, n);
  return 0;
}

/* ---------------------------------------------------------------- libopus */

/*
 * Channel order. AudioData channels are in the order FFmpeg's decoders give for the channel
 * count (the WAV / SMPTE order: FL FR FC LFE BL BR ...), which is what this library's decoders
 * output; Opus mapping family 1 (RFC 7845 5.1.1.2) wants the Vorbis order (FL FC FR ...):
 * input channel i is Vorbis channel VORBIS_ORDER[n - 1][i].
 */
static const uint8_t VORBIS_ORDER[8][8] = {
    {0},
    {0, 1},
    {0, 2, 1},                /* FL FR FC -> FL FC FR */
    {0, 1, 2, 3},             /* FL FR BL BR */
    {0, 2, 1, 3, 4},          /* FL FR FC BL BR -> FL FC FR RL RR */
    {0, 2, 1, 5, 3, 4},       /* FL FR FC LFE BL BR -> FL FC FR RL RR LFE */
    {0, 2, 1, 6, 5, 3, 4},    /* FL FR FC LFE BC SL SR -> FL FC FR SL SR RC LFE */
    {0, 2, 1, 7, 5, 6, 3, 4}, /* FL FR FC LFE BL BR SL SR -> FL FC FR SL SR RL RR LFE */
};

struct aenc_opus {
  OpusMSEncoder *enc;
  float *reorder;           /* family 1: the frame in Vorbis channel order */
  int channels, streams, coupled, family;
  unsigned char mapping[255];
  int lookahead;
  int dtx;
  unsigned char *buf;
  int buf_size;
  AVPacket *ready;
  int have_ready, eof;
};

static void opus_free(aenc_opus **pp) {
  aenc_opus *o = *pp;
  if (!o) return;
  if (o->enc) opus_multistream_encoder_destroy(o->enc);
  av_free(o->reorder);
  av_free(o->buf);
  av_packet_free(&o->ready);
  av_free(o);
  *pp = NULL;
}

static int opus_open(wc_aenc *e, char *why, size_t whylen) {
  const wc_aenc_config *cfg = &e->cfg;
  static const int apps[] = {OPUS_APPLICATION_VOIP, OPUS_APPLICATION_AUDIO, OPUS_APPLICATION_RESTRICTED_LOWDELAY};
  static const int signals[] = {OPUS_AUTO, OPUS_SIGNAL_MUSIC, OPUS_SIGNAL_VOICE};
  aenc_opus *o;
  int err = OPUS_OK, ch = cfg->channels;
  int64_t frame;
  if (ch < 1 || ch > 255) {
    snprintf(why, whylen, "Opus carries 1 to 255 channels, not %d", ch);
    return AVERROR(ENOSYS);
  }
  /* libopus takes 2.5, 5, 10, 20, 40, 60, 80, 100 and 120 ms frames */
  switch (cfg->opus_frame_us) {
    case 2500: case 5000: case 10000: case 20000: case 40000: case 60000: case 80000: case 100000: case 120000: break;
    default:
      snprintf(why, whylen, "opus.frameDuration %d us: libopus encodes frames of 2500, 5000, 10000, 20000, 40000, 60000, "
               "80000, 100000 or 120000 us", cfg->opus_frame_us);
      return AVERROR(ENOSYS);
  }
  if (!(o = av_mallocz(sizeof(*o)))) return AVERROR(ENOMEM);
  e->opus = o;
  e->rate = wc_aenc_codec_rate(cfg, NULL);
  o->channels = ch;
  if (ch <= 2) {
    /* mapping family 0: one stream, coupled when stereo */
    o->family = 0;
    o->streams = 1;
    o->coupled = ch - 1;
    o->mapping[0] = 0;
    o->mapping[1] = 1;
    o->enc = opus_multistream_encoder_create(e->rate, ch, 1, ch - 1, o->mapping, apps[cfg->opus_application], &err);
  } else {
    /* family 1 (Vorbis channel order) up to 8 channels, 255 (independent channels) beyond */
    o->family = ch <= 8 ? 1 : 255;
    o->enc = opus_multistream_surround_encoder_create(e->rate, ch, o->family, &o->streams, &o->coupled, o->mapping,
                                                      apps[cfg->opus_application], &err);
  }
  if (!o->enc || err != OPUS_OK) {
    snprintf(why, whylen, "libopus could not be opened for %d Hz, %d channels: %s", e->rate, ch, opus_strerror(err));
    return AVERROR(ENOSYS);
  }
  err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_BITRATE(cfg->bitrate > 0 ? (opus_int32)cfg->bitrate : OPUS_AUTO));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_VBR(cfg->constant ? 0 : 1));
  if (err == OPUS_OK && !cfg->constant) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_VBR_CONSTRAINT(0));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_COMPLEXITY(cfg->opus_complexity));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_PACKET_LOSS_PERC(cfg->opus_packetloss));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_INBAND_FEC(cfg->opus_fec ? 1 : 0));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_DTX(cfg->opus_dtx ? 1 : 0));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_SET_SIGNAL(signals[cfg->opus_signal]));
  if (err == OPUS_OK) err = opus_multistream_encoder_ctl(o->enc, OPUS_GET_LOOKAHEAD(&o->lookahead));
  if (err != OPUS_OK) {
    snprintf(why, whylen, "libopus rejected an option: %s", opus_strerror(err));
    return AVERROR(ENOSYS);
  }
  o->dtx = cfg->opus_dtx;
  frame = (int64_t)cfg->opus_frame_us * e->rate / 1000000;
  /* at most 6 frames of 1275 bytes per 120 ms packet per stream, plus framing (RFC 6716 3.2.5) */
  o->buf_size = (int)(o->streams * (1275 * 6 + 7) + 16);
  if (!(o->buf = av_malloc((size_t)o->buf_size)) || !(o->ready = av_packet_alloc())) return AVERROR(ENOMEM);
  if (o->family == 1 && !(o->reorder = av_malloc_array((size_t)frame * (size_t)ch, sizeof(float)))) return AVERROR(ENOMEM);
  e->fmt = AV_SAMPLE_FMT_FLT;
  av_channel_layout_default(&e->layout, ch);
  e->frame_size = (int)frame;
  e->small_last = 0;
  e->priming = o->lookahead;
  return 0;
}

static int opus_send(aenc_opus *o, AVFrame *f) {
  const float *pcm;
  int n;
  if (!f) {
    o->eof = 1;
    return 0;
  }
  if (o->eof) return AVERROR_EOF;
  if (o->have_ready) return AVERROR(EAGAIN);
  pcm = (const float *)f->data[0];
  if (o->reorder) {
    const uint8_t *order = VORBIS_ORDER[o->channels - 1];
    const int ch = o->channels;
    for (int t = 0; t < f->nb_samples; t++)
      for (int i = 0; i < ch; i++) o->reorder[t * ch + order[i]] = pcm[t * ch + i];
    pcm = o->reorder;
  }
  n = opus_multistream_encode_float(o->enc, pcm, f->nb_samples, o->buf, o->buf_size);
  if (n < 0) return AVERROR_EXTERNAL;
  /* DTX: a packet of 2 bytes or less need not be transmitted (libopus API) */
  if (o->dtx && n <= 2) return 0;
  if (av_new_packet(o->ready, n) < 0) return AVERROR(ENOMEM);
  memcpy(o->ready->data, o->buf, (size_t)n);
  o->ready->pts = f->pts - o->lookahead;
  o->ready->duration = f->nb_samples;
  o->ready->flags |= AV_PKT_FLAG_KEY;
  o->have_ready = 1;
  return 0;
}

static int opus_receive(aenc_opus *o, AVPacket *pkt) {
  if (o->have_ready) {
    av_packet_move_ref(pkt, o->ready);
    o->have_ready = 0;
    return 0;
  }
  return o->eof ? AVERROR_EOF : AVERROR(EAGAIN);
}

/* RFC 7845 5.1 identification header */
static int opus_head(const wc_aenc *e, uint8_t **out, size_t *size) {
  const aenc_opus *o = e->opus;
  size_t n = 19 + (o->family ? 2 + (size_t)o->channels : 0);
  uint8_t *p = av_malloc(n);
  unsigned preskip = (unsigned)((int64_t)o->lookahead * 48000 / e->rate); /* pre-skip is counted at 48 kHz */
  unsigned in_rate = (unsigned)e->cfg.sample_rate;
  if (!p) return AVERROR(ENOMEM);
  memcpy(p, "OpusHead", 8);
  p[8] = 1;
  p[9] = (uint8_t)o->channels;
  p[10] = preskip & 0xff;
  p[11] = (preskip >> 8) & 0xff;
  p[12] = in_rate & 0xff;
  p[13] = (in_rate >> 8) & 0xff;
  p[14] = (in_rate >> 16) & 0xff;
  p[15] = (in_rate >> 24) & 0xff;
  p[16] = p[17] = 0; /* output gain */
  p[18] = (uint8_t)o->family;
  if (o->family) {
    p[19] = (uint8_t)o->streams;
    p[20] = (uint8_t)o->coupled;
    memcpy(p + 21, o->mapping, (size_t)o->channels);
  }
  *out = p;
  *size = n;
  return 0;
}

/* ---------------------------------------------------------------- libavcodec */

static int lavc_open(wc_aenc *e, int src_fmt, char *why, size_t whylen) {
  const wc_aenc_config *cfg = &e->cfg;
  const AVCodec *codec = wc_aenc_find(cfg);
  AVCodecContext *ctx;
  AVDictionary *opts = NULL;
  int ret;
  if (!codec) {
    if (cfg->kind == WC_AENC_AAC && cfg->aac_object_type != 2)
      snprintf(why, whylen, "no %s encoder is available (FFmpeg's aac encoder codes AAC-LC only; HE-AAC needs libfdk_aac)",
               cfg->aac_object_type == 42 ? "xHE-AAC" : "HE-AAC");
    else
      snprintf(why, whylen, "this FFmpeg has no encoder for \"%s\"", cfg->codec);
    return AVERROR(ENOSYS);
  }
  if (cfg->kind == WC_AENC_AAC && cfg->channels > 8) {
    snprintf(why, whylen, "AAC carries 1 to 8 channels here, not %d", cfg->channels);
    return AVERROR(ENOSYS);
  }
  if (!(ctx = e->ctx = avcodec_alloc_context3(codec))) return AVERROR(ENOMEM);
  e->rate = wc_aenc_codec_rate(cfg, codec);
  if ((ret = choose_layout(codec, cfg->channels, &e->layout)) < 0) {
    snprintf(why, whylen, "%s does not encode %d channels", codec->name, cfg->channels);
    return AVERROR(ENOSYS);
  }
  e->fmt = choose_format(cfg, codec, src_fmt);
  ctx->sample_fmt = e->fmt;
  ctx->sample_rate = e->rate;
  if ((ret = av_channel_layout_copy(&ctx->ch_layout, &e->layout)) < 0) return ret;
  ctx->time_base = (AVRational){1, e->rate};
  ctx->bit_rate = cfg->bitrate;
  switch (cfg->kind) {
    case WC_AENC_AAC:
      ctx->profile = cfg->aac_object_type == 29 ? FF_PROFILE_AAC_HE_V2 : cfg->aac_object_type == 5 ? FF_PROFILE_AAC_HE
                                                                                                  : FF_PROFILE_AAC_LOW;
      /* FFmpeg's aac rate control holds the given bitrate with a bit reservoir (what AAC encoders
       * call CBR); without a bitrate it chooses one. bitrateMode cannot change more than that. */
      break;
    case WC_AENC_FLAC:
      ctx->compression_level = cfg->flac_compress_level;
      if (cfg->flac_block_size) ctx->frame_size = cfg->flac_block_size;
      break;
    case WC_AENC_MP3:
      if (cfg->bitrate > 0) {
        if (!cfg->constant) av_dict_set(&opts, "abr", "1", 0); /* average bitrate: variable per frame */
      } else if (cfg->constant) {
        ctx->bit_rate = 128000;
      } else {
        ctx->flags |= AV_CODEC_FLAG_QSCALE; /* LAME's default VBR quality, -V 4 */
        ctx->global_quality = 4 * FF_QP2LAMBDA;
      }
      break;
    case WC_AENC_VORBIS:
      if (cfg->bitrate > 0 && cfg->constant) ctx->rc_min_rate = ctx->rc_max_rate = cfg->bitrate; /* managed: hard CBR */
      break;
    default: break;
  }
  ret = avcodec_open2(ctx, codec, &opts);
  av_dict_free(&opts);
  if (ret < 0) {
    char msg[128];
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(why, whylen, "%s could not be opened for %d Hz, %d channels: %s", codec->name, e->rate, cfg->channels, msg);
    return ret == AVERROR(EINVAL) || ret == AVERROR(ENOSYS) || ret == AVERROR_PATCHWELCOME ? AVERROR(ENOSYS) : ret;
  }
  e->frame_size = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) ? 0 : ctx->frame_size;
  e->small_last = (codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) != 0;
  e->priming = ctx->initial_padding;
  e->hold_last = cfg->kind == WC_AENC_FLAC;
  return 0;
}

/* ---------------------------------------------------------------- shared */

/* libswresample's channel limit (SWR_CH_MAX, private to it; 64 since FFmpeg 2.x) */
#define SWR_MAX_CHANNELS 64

void wc_aenc_close(wc_aenc *e) {
  avcodec_free_context(&e->ctx);
  opus_free(&e->opus);
  av_channel_layout_uninit(&e->layout);
}

int wc_aenc_open(wc_aenc *e, int src_fmt, char *why, size_t whylen) {
  int ret;
  wc_aenc_close(e);
  e->hold_last = 0;
  if (e->cfg.sample_rate < 3000 || e->cfg.sample_rate > 768000) {
    snprintf(why, whylen, "sampleRate %d is outside the supported 3000-768000 Hz", e->cfg.sample_rate);
    return AVERROR(ENOSYS);
  }
  ret = e->cfg.kind == WC_AENC_OPUS ? opus_open(e, why, whylen) : lavc_open(e, src_fmt, why, whylen);
  if (ret >= 0 && e->rate != e->cfg.sample_rate && e->cfg.channels > SWR_MAX_CHANNELS) {
    snprintf(why, whylen, "%d Hz must be resampled to %d Hz for this codec, and libswresample resamples at most %d channels",
             e->cfg.sample_rate, e->rate, SWR_MAX_CHANNELS);
    ret = AVERROR(ENOSYS);
  }
  if (ret >= 0 && e->cfg.kind == WC_AENC_AAC && e->cfg.aac_adts) {
    uint8_t h[7];
    if (wc_aenc_adts_header(e, 0, h) < 0) {
      snprintf(why, whylen, "ADTS cannot carry the AudioSpecificConfig of %d channels at %d Hz", e->cfg.channels, e->rate);
      ret = AVERROR(ENOSYS);
    }
  }
  if (ret >= 0) wc_aenc_describe(e, NULL, 0);
  if (ret < 0) wc_aenc_close(e);
  return ret;
}

int wc_aenc_send(wc_aenc *e, AVFrame *f) {
  if (e->opus) return opus_send(e->opus, f);
  return avcodec_send_frame(e->ctx, f);
}

int wc_aenc_receive(wc_aenc *e, AVPacket *pkt) {
  if (e->opus) return opus_receive(e->opus, pkt);
  return avcodec_receive_packet(e->ctx, pkt);
}

static int copy_bytes(uint8_t **out, size_t *size, const uint8_t *src, size_t n, const uint8_t *prefix, size_t prefix_n) {
  uint8_t *p = av_malloc(prefix_n + n);
  if (!p) return AVERROR(ENOMEM);
  if (prefix_n) memcpy(p, prefix, prefix_n);
  memcpy(p + prefix_n, src, n);
  *out = p;
  *size = prefix_n + n;
  return 0;
}

int wc_aenc_describe(wc_aenc *e, const uint8_t *new_extradata, size_t new_size) {
  uint8_t *d = NULL;
  size_t n = 0;
  const uint8_t *x = new_extradata ? new_extradata : e->ctx ? e->ctx->extradata : NULL;
  size_t xn = new_extradata ? new_size : e->ctx && e->ctx->extradata_size > 0 ? (size_t)e->ctx->extradata_size : 0;
  int changed;
  switch (e->cfg.kind) {
    case WC_AENC_OPUS: opus_head(e, &d, &n); break;
    case WC_AENC_AAC:
      if (!e->cfg.aac_adts && xn) copy_bytes(&d, &n, x, xn, NULL, 0); /* AudioSpecificConfig */
      break;
    case WC_AENC_FLAC:
      if (xn == 34) {
        /* "fLaC", then the STREAMINFO metadata block: last-block flag + type 0, 24-bit length 34 */
        static const uint8_t head[8] = {'f', 'L', 'a', 'C', 0x80, 0, 0, 34};
        copy_bytes(&d, &n, x, xn, head, sizeof head);
      }
      break;
    case WC_AENC_VORBIS:
      if (xn) copy_bytes(&d, &n, x, xn, NULL, 0); /* FFmpeg's libvorbis extradata is the Xiph-laced headers */
      break;
    default: break;
  }
  changed = n != e->description_size || (n && memcmp(d, e->description, n) != 0);
  av_freep(&e->description);
  e->description = d;
  e->description_size = n;
  return changed;
}

/* sampling_frequency_index, channel_configuration and object type from the AudioSpecificConfig
 * (ISO 14496-3 1.6.2.1). -1 when ADTS cannot express them (escape codes, explicit rate, PCE). */
int wc_aenc_adts_header(const wc_aenc *e, size_t payload, uint8_t out[7]) {
  const uint8_t *asc = e->ctx ? e->ctx->extradata : NULL;
  unsigned aot, sfi, chan, len = (unsigned)(payload + 7);
  if (!asc || e->ctx->extradata_size < 2 || payload + 7 > 0x1fff) return -1;
  aot = asc[0] >> 3;
  sfi = ((asc[0] & 7) << 1) | (asc[1] >> 7);
  chan = (asc[1] >> 3) & 15;
  if (aot < 1 || aot > 4 || sfi > 12 || chan < 1 || chan > 7) return -1;
  out[0] = 0xff;
  out[1] = (uint8_t)(0xf0 | (e->cfg.aac_mpeg2 ? 8 : 0) | 1); /* ID, layer 0, protection_absent */
  out[2] = (uint8_t)(((aot - 1) << 6) | (sfi << 2) | (chan >> 2));
  out[3] = (uint8_t)(((chan & 3) << 6) | (len >> 11));
  out[4] = (uint8_t)((len >> 3) & 0xff);
  out[5] = (uint8_t)(((len & 7) << 5) | 0x1f); /* buffer fullness 0x7ff: variable */
  out[6] = 0xfc;                               /* ... and one raw data block */
  return 0;
}

int wc_aenc_probe(const wc_aenc_config *cfg, char *why, size_t whylen) {
  wc_aenc e;
  int ret;
  memset(&e, 0, sizeof e);
  e.cfg = *cfg;
  if (cfg->kind == WC_AENC_NONE) {
    snprintf(why, whylen, "\"%s\" is not a supported audio codec string", cfg->codec);
    return -1;
  }
  ret = wc_aenc_open(&e, -1, why, whylen);
  wc_aenc_close(&e);
  av_freep(&e.description);
  return ret < 0 ? -1 : 0;
}
