/*
 * audio_decoder.h - the parts of AudioDecoder that need no Node-API: checking
 * an AudioDecoderConfig against the registrations' rules and opening the
 * libavcodec decoder for it; the output-side helpers (sample format of a
 * decoded frame, conversion of formats without an AudioSampleFormat, the
 * sample-accurate timestamp). Used by the decoder worker, by isConfigSupported
 * on the thread pool and by the audio decode fuzz target.
 */
#ifndef WC_AUDIO_DECODER_H
#define WC_AUDIO_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/audio_codec_string.h"

struct AVCodecContext;
struct AVFrame;
struct SwrContext;

struct wc_audio_decoder_params {
  wc_audio_codec_info info;
  int sample_rate;   /* AudioDecoderConfig.sampleRate */
  int channels;      /* AudioDecoderConfig.numberOfChannels */
  const uint8_t *extradata; /* description, or NULL */
  int extradata_size;
  /* Priming (Opus pre-skip, decoder delay): 1 = discarded as libavcodec does with a packet time
   * base set (the frames start at the first real sample, timestamps moved on to match); 0 = every
   * decoded sample is output (AV_CODEC_FLAG2_SKIP_MANUAL). The one switch for w3c/webcodecs#948/949. */
  int discard_priming;
  int threads;       /* 0: the default (one thread: see wc_audio_decoder_open) */
};

typedef struct wc_audio_decoder_params wc_audio_decoder_params;

/* The decision of the "Check Configuration Support" algorithm. */
enum {
  WC_AUDIO_CONFIG_OK = 0,           /* open it */
  WC_AUDIO_CONFIG_NEEDS_DESCRIPTION = 1, /* supported codec, but configure() cannot decode without a description */
  WC_AUDIO_CONFIG_UNSUPPORTED = -1, /* not supported (reason in why) */
};

/*
 * Checks p (a parsed codec string, rates, channel count, description) against
 * the registrations without opening anything. Any thread.
 */
int wc_audio_decoder_check(const wc_audio_decoder_params *p, char *why, size_t whylen);

/* Opens a decoder for p (after wc_audio_decoder_check said OK). 0 or a negative AVERROR with a reason. Any thread. */
int wc_audio_decoder_open(const wc_audio_decoder_params *p, struct AVCodecContext **out, char *why, size_t whylen);

/*
 * The AudioSampleFormat (enum wc_sample_format) a decoded frame is delivered in:
 * its own when it has one, else the float format of the same arrangement (dbl,
 * s64 and their planar forms), converted by wc_audio_decoder_convert.
 */
int wc_audio_decoder_output_format(int av_sample_format, int *needs_conversion);

/*
 * Converts in (a frame whose sample format has no AudioSampleFormat) into
 * `target` (enum wc_sample_format) with libswresample, through *swr (a cached
 * context keyed on the input format, layout and rate; the caller frees it with
 * swr_free). NULL with a reason on failure.
 */
struct AVFrame *wc_audio_decoder_convert(struct SwrContext **swr, const struct AVFrame *in, int target, char *why,
                                         size_t whylen);

/*
 * Sample-accurate output timing. Time is kept in samples at the stream's rate: the first frame's
 * pts (the chunk's timestamp, moved on by any priming libavcodec discarded) is snapped to the
 * nearest sample and every later frame is timed by the running sample count, as long as its own
 * pts agrees with that count to within WC_AUDIO_CLOCK_TOLERANCE_US (chunk timestamps rounded by
 * the container: WebM has milliseconds, MP4 exact sample positions rounded to microseconds). A pts
 * further off is a real gap or overlap in the input: the clock starts again from it. Frames
 * without a pts continue the count. Like FFmpeg's own av_rescale_delta() timing in `ffmpeg`.
 */
#define WC_AUDIO_CLOCK_TOLERANCE_US 1000

typedef struct wc_audio_clock {
  int64_t anchor;   /* sample position (at rate) of the frame that started the count */
  int64_t samples;  /* samples output since then */
  int rate;
  int valid;
} wc_audio_clock;

/* The timestamp (microseconds) of the next frame: nb_samples at rate, with pts (AV_NOPTS_VALUE: none). */
int64_t wc_audio_clock_next(wc_audio_clock *c, int64_t pts, int nb_samples, int rate);

#endif
