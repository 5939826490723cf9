/*
 * audio_decoder_engine.c - see include/wc/audio/audio_decoder.h. No Node-API;
 * any thread.
 *
 * Description rules (the registrations): AAC takes an AudioSpecificConfig
 * (raw frames) or none (ADTS); Opus an OpusHead (RFC 7845 5.1) or none
 * (mapping family 0, 1-2 channels); FLAC needs "fLaC" + STREAMINFO; Vorbis
 * needs the Xiph-laced headers; MP3 ignores it; PCM and G.711 take none.
 * Where a description is required and absent, the config is reported
 * supported (as Chrome reports it) and configure() fails with NotSupportedError.
 */
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <stdio.h>
#include <string.h>

#include "wc/audio/audio_decoder.h"
#include "wc/audio/sample_format.h"
#include "wc/engine/errors.h"

/* As Chrome's media limits (media/base/limits.h), with more channels for Opus mapping family 255. */
#define MIN_RATE 3000
#define MAX_RATE 768000
#define MAX_CHANNELS 255

static int check_opus_head(const uint8_t *d, int n, int *channels, char *why, size_t whylen) {
  int family, ch, streams, coupled;
  if (n < 19 || memcmp(d, "OpusHead", 8) != 0) {
    snprintf(why, whylen, "description is not an OpusHead (RFC 7845 section 5.1): %d bytes", n);
    return -1;
  }
  if (d[8] >= 16) {
    snprintf(why, whylen, "OpusHead version %d is not supported", d[8]);
    return -1;
  }
  ch = d[9];
  family = d[18];
  if (ch == 0) {
    snprintf(why, whylen, "OpusHead: channel count 0");
    return -1;
  }
  if (family == 0) {
    if (ch > 2) {
      snprintf(why, whylen, "OpusHead: mapping family 0 has 1 or 2 channels, got %d", ch);
      return -1;
    }
  } else if (family == 1 || family == 255) {
    if (family == 1 && ch > 8) {
      snprintf(why, whylen, "OpusHead: mapping family 1 has at most 8 channels, got %d", ch);
      return -1;
    }
    if (n < 21 + ch) {
      snprintf(why, whylen, "OpusHead: the channel mapping table of %d channels is cut short (%d bytes)", ch, n);
      return -1;
    }
    streams = d[19];
    coupled = d[20];
    if (streams == 0 || coupled > streams || streams + coupled > 255) {
      snprintf(why, whylen, "OpusHead: %d streams with %d coupled is not a valid layout", streams, coupled);
      return -1;
    }
    for (int i = 0; i < ch; i++) {
      if (d[21 + i] != 255 && d[21 + i] >= streams + coupled) {
        snprintf(why, whylen, "OpusHead: channel %d maps to stream channel %d of %d", i, d[21 + i], streams + coupled);
        return -1;
      }
    }
  } else {
    snprintf(why, whylen, "OpusHead: channel mapping family %d is not supported (0, 1 and 255 are)", family);
    return -1;
  }
  *channels = ch;
  return 0;
}

static int check_flac_description(const uint8_t *d, int n, char *why, size_t whylen) {
  unsigned len;
  if (n < 8 || memcmp(d, "fLaC", 4) != 0) {
    snprintf(why, whylen, "description must start with \"fLaC\" and a STREAMINFO block (%d bytes given)", n);
    return -1;
  }
  len = (unsigned)d[5] << 16 | (unsigned)d[6] << 8 | d[7];
  if ((d[4] & 0x7f) != 0 || len < 34 || n < 8 + 34) {
    snprintf(why, whylen, "description: the first metadata block after \"fLaC\" must be a 34-byte STREAMINFO");
    return -1;
  }
  return 0;
}

int wc_audio_decoder_check(const wc_audio_decoder_params *p, char *why, size_t whylen) {
  const wc_audio_codec_info *i = &p->info;
  int has_desc = p->extradata && p->extradata_size > 0;
  if (i->codec == WC_AUDIO_NONE) {
    snprintf(why, whylen, "not a supported audio codec string");
    return WC_AUDIO_CONFIG_UNSUPPORTED;
  }
  if (p->sample_rate < MIN_RATE || p->sample_rate > MAX_RATE) {
    snprintf(why, whylen, "sampleRate %d is outside [%d, %d]", p->sample_rate, MIN_RATE, MAX_RATE);
    return WC_AUDIO_CONFIG_UNSUPPORTED;
  }
  if (p->channels < 1 || p->channels > MAX_CHANNELS) {
    snprintf(why, whylen, "numberOfChannels %d is outside [1, %d]", p->channels, MAX_CHANNELS);
    return WC_AUDIO_CONFIG_UNSUPPORTED;
  }
  if (!avcodec_find_decoder((enum AVCodecID)i->av_codec_id)) {
    snprintf(why, whylen, "no decoder for this codec in the FFmpeg build");
    return WC_AUDIO_CONFIG_UNSUPPORTED;
  }
  if (i->description == WC_DESC_FORBIDDEN && has_desc) {
    snprintf(why, whylen, "this codec takes no description");
    return WC_AUDIO_CONFIG_UNSUPPORTED;
  }
  switch (i->codec) {
    case WC_AUDIO_AAC:
      if (i->object_type == 42 && !has_desc) {
        snprintf(why, whylen, "xHE-AAC (mp4a.40.42) is only defined in \"aac\" format, with a description");
        return WC_AUDIO_CONFIG_UNSUPPORTED;
      }
      break;
    case WC_AUDIO_OPUS:
      if (has_desc) {
        int ch;
        if (check_opus_head(p->extradata, p->extradata_size, &ch, why, whylen) < 0) return WC_AUDIO_CONFIG_UNSUPPORTED;
      } else if (p->channels > 2) {
        snprintf(why, whylen, "Opus with %d channels needs an OpusHead description with a channel mapping table", p->channels);
        return WC_AUDIO_CONFIG_NEEDS_DESCRIPTION;
      }
      break;
    case WC_AUDIO_FLAC:
      if (!has_desc) {
        snprintf(why, whylen, "FLAC needs a description (\"fLaC\" + STREAMINFO)");
        return WC_AUDIO_CONFIG_NEEDS_DESCRIPTION;
      }
      if (check_flac_description(p->extradata, p->extradata_size, why, whylen) < 0) return WC_AUDIO_CONFIG_UNSUPPORTED;
      break;
    case WC_AUDIO_VORBIS:
      if (!has_desc) {
        snprintf(why, whylen, "Vorbis needs a description (the Xiph-laced identification, comment and setup headers)");
        return WC_AUDIO_CONFIG_NEEDS_DESCRIPTION;
      }
      break;
    default: break;
  }
  return WC_AUDIO_CONFIG_OK;
}

int wc_audio_decoder_open(const wc_audio_decoder_params *p, AVCodecContext **out, char *why, size_t whylen) {
  const wc_audio_codec_info *i = &p->info;
  const AVCodec *codec;
  AVCodecContext *ctx;
  int ret, pass_desc;
  *out = NULL;
  if (wc_audio_decoder_check(p, why, whylen) != WC_AUDIO_CONFIG_OK) return AVERROR(EINVAL);
  /* FFmpeg's default decoder for the codec: the one `ffmpeg -i` uses (native aac, opus, vorbis, mp3float). */
  if (!(codec = avcodec_find_decoder((enum AVCodecID)i->av_codec_id))) {
    snprintf(why, whylen, "no decoder for this codec in the FFmpeg build");
    return AVERROR_DECODER_NOT_FOUND;
  }
  if (!(ctx = avcodec_alloc_context3(codec))) return AVERROR(ENOMEM);
  ctx->pkt_timebase = (AVRational){1, 1000000};
  /* One thread unless asked: of these decoders only FLAC has frame threads, and on 2 cores they
   * cost more than they give next to the JS thread (bench/audio.js, 10 min of FLAC: 432 ms with
   * one thread, 531 ms with FFmpeg's automatic count, 475 ms with 2). */
  ctx->thread_count = p->threads > 0 ? p->threads : 1;
  if (!p->discard_priming) ctx->flags2 |= AV_CODEC_FLAG2_SKIP_MANUAL;
  switch (i->codec) {
    case WC_AUDIO_PCM:
    case WC_AUDIO_ULAW:
    case WC_AUDIO_ALAW:
      /* Raw samples: the config is the only source of rate and channel count. */
      ctx->sample_rate = p->sample_rate;
      av_channel_layout_default(&ctx->ch_layout, p->channels);
      break;
    case WC_AUDIO_OPUS:
      if (!p->extradata_size) {
        ctx->sample_rate = 48000;
        av_channel_layout_default(&ctx->ch_layout, p->channels);
      }
      break;
    default:
      /* AAC, MP3, FLAC, Vorbis: the stream (ADTS/frame headers, description) says; the config is ignored. */
      break;
  }
  pass_desc = p->extradata && p->extradata_size > 0 && i->description != WC_DESC_IGNORED;
  if (pass_desc) {
    ctx->extradata = av_mallocz((size_t)p->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!ctx->extradata) {
      avcodec_free_context(&ctx);
      return AVERROR(ENOMEM);
    }
    memcpy(ctx->extradata, p->extradata, (size_t)p->extradata_size);
    ctx->extradata_size = p->extradata_size;
  }
  if ((ret = avcodec_open2(ctx, codec, NULL)) < 0) {
    char msg[128];
    wc_averror_str(ret, msg, sizeof msg);
    snprintf(why, whylen, "%s could not be opened%s: %s", codec->name, pass_desc ? " with this description" : "", msg);
    avcodec_free_context(&ctx);
    return ret;
  }
  *out = ctx;
  return 0;
}

int wc_audio_decoder_output_format(int av_fmt, int *needs_conversion) {
  int f = wc_sample_format_from_av(av_fmt);
  *needs_conversion = 0;
  if (f >= 0) return f;
  *needs_conversion = 1;
  return av_sample_fmt_is_planar((enum AVSampleFormat)av_fmt) ? WC_SF_F32_PLANAR : WC_SF_F32;
}

AVFrame *wc_audio_decoder_convert(SwrContext **swr, const AVFrame *in, int target, char *why, size_t whylen) {
  AVFrame *out = av_frame_alloc();
  enum AVSampleFormat dst = (enum AVSampleFormat)wc_sample_format_to_av(target);
  int ret;
  if (!out) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  /* One context, rebuilt when its key (input format, layout, rate) changes. */
  if (*swr) {
    int64_t fmt = -1, rate = -1;
    AVChannelLayout layout = {0};
    av_opt_get_int(*swr, "isf", 0, &fmt);
    av_opt_get_int(*swr, "isr", 0, &rate);
    av_opt_get_chlayout(*swr, "ichl", 0, &layout);
    if (fmt != in->format || rate != in->sample_rate || av_channel_layout_compare(&layout, &in->ch_layout) != 0)
      swr_free(swr);
    av_channel_layout_uninit(&layout);
  }
  if (!*swr) {
    AVChannelLayout l = {0}; /* swr_alloc_set_opts2 takes non-const layouts before FFmpeg 6 */
    int bad = av_channel_layout_copy(&l, &in->ch_layout) < 0 ||
              swr_alloc_set_opts2(swr, &l, dst, in->sample_rate, &l, (enum AVSampleFormat)in->format, in->sample_rate, 0,
                                  NULL) < 0 ||
              swr_init(*swr) < 0;
    av_channel_layout_uninit(&l);
    if (bad) {
      swr_free(swr);
      av_frame_free(&out);
      snprintf(why, whylen, "libswresample cannot convert %s", av_get_sample_fmt_name((enum AVSampleFormat)in->format));
      return NULL;
    }
  }
  out->format = dst;
  out->sample_rate = in->sample_rate;
  out->nb_samples = in->nb_samples;
  if (av_channel_layout_copy(&out->ch_layout, &in->ch_layout) < 0 || av_frame_get_buffer(out, 0) < 0 ||
      (ret = swr_convert(*swr, out->extended_data, out->nb_samples, (const uint8_t **)in->extended_data, in->nb_samples)) < 0) {
    av_frame_free(&out);
    snprintf(why, whylen, "conversion from %s failed", av_get_sample_fmt_name((enum AVSampleFormat)in->format));
    return NULL;
  }
  out->nb_samples = ret;
  av_frame_copy_props(out, in);
  return out;
}

int64_t wc_audio_clock_next(wc_audio_clock *c, int64_t pts, int nb_samples, int rate) {
  int64_t ts;
  if (c->valid && rate != c->rate) {
    /* a new rate: go on from where the old count ended, in the new unit */
    int64_t end_us = av_rescale(c->anchor + c->samples, 1000000, c->rate);
    c->anchor = av_rescale(end_us, rate, 1000000);
    c->samples = 0;
    c->rate = rate;
  }
  if (!c->valid) {
    c->anchor = pts != AV_NOPTS_VALUE ? av_rescale(pts, rate, 1000000) : 0;
    c->samples = 0;
    c->rate = rate;
    c->valid = 1;
  } else if (pts != AV_NOPTS_VALUE) {
    int64_t predicted = av_rescale(c->anchor + c->samples, 1000000, rate);
    if (pts - predicted > WC_AUDIO_CLOCK_TOLERANCE_US || predicted - pts > WC_AUDIO_CLOCK_TOLERANCE_US) {
      c->anchor = av_rescale(pts, rate, 1000000);
      c->samples = 0;
    }
  }
  ts = av_rescale(c->anchor + c->samples, 1000000, rate);
  c->samples += nb_samples;
  return ts;
}
