/*
 * fuzz_audio_decode.c - one AudioDecoder life on hostile chunks and descriptions, the way
 * src/audio/audio_decoder.c runs it: wc_audio_decoder_check + wc_audio_decoder_open for a parsed
 * config, the send/receive loop (EAGAIN included), frames of formats without an AudioSampleFormat
 * converted with wc_audio_decoder_convert, the sample clock, optionally flush() in the middle
 * (drain + avcodec_flush_buffers), a final drain, and for every output what user code does next:
 * copyTo() of every plane as f32-planar and of the whole frame as interleaved s16 (wc_audio_copy)
 * into exact-size heap buffers.
 *
 * Input:
 *   [0]  codec (index into CODECS, mod its size)
 *   [1]  flags: bit 0 description follows, bit 1 flush() after the second chunk, bit 2 keep priming
 *   [2]  numberOfChannels (1 + mod 8);  [3] sampleRate (index into RATES, mod its size)
 *   [if bit 0] u16 big-endian length + description bytes
 *   then chunks: u32 big-endian length + bytes (a length past the end takes what is left), at most
 *   MAX_CHUNKS, each at most MAX_CHUNK bytes.
 */
#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wc/audio/audio_decoder.h"
#include "wc/audio/sample_format.h"
#include "wc/formats/audio_codec_string.h"

#define MAX_CHUNKS 64
#define MAX_CHUNK (1 << 16)

static const char *const CODECS[] = {"mp4a.40.2", "mp4a.40.5", "mp4a.40.29", "mp4a.67", "opus", "mp3", "flac", "vorbis",
                                     "pcm-u8", "pcm-s16", "pcm-s24", "pcm-s32", "pcm-f32", "ulaw", "alaw"};
static const int RATES[] = {8000, 16000, 22050, 44100, 48000, 96000};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  av_log_set_level(getenv("WC_FUZZ_AV_LOG") ? atoi(getenv("WC_FUZZ_AV_LOG")) : AV_LOG_QUIET);
  return 0;
}

static void use_frame(AVFrame *f, struct SwrContext **swr, wc_audio_clock *clock) {
  int convert, fmt;
  char why[256];
  AVFrame *c = NULL;
  const uint8_t *stack[AV_NUM_DATA_POINTERS], **planes = stack;
  wc_audio_view v;
  if (f->nb_samples <= 0 || f->sample_rate <= 0 || f->ch_layout.nb_channels <= 0) return;
  fmt = wc_audio_decoder_output_format(f->format, &convert);
  if (convert) {
    c = wc_audio_decoder_convert(swr, f, fmt, why, sizeof why);
    FUZZ_CHECK(c != NULL, "a decoded %s frame could not be converted: %s", av_get_sample_fmt_name(f->format), why);
    f = c;
  }
  FUZZ_CHECK(f->format == wc_sample_format_to_av(fmt), "output format");
  wc_audio_clock_next(clock, f->pts, f->nb_samples, f->sample_rate);
  if (f->ch_layout.nb_channels > AV_NUM_DATA_POINTERS && !(planes = malloc(sizeof(*planes) * (size_t)f->ch_layout.nb_channels)))
    abort();
  for (int p = 0; p < (wc_sample_format_planar(fmt) ? f->ch_layout.nb_channels : 1); p++) planes[p] = f->extended_data[p];
  v.format = fmt;
  v.channels = (uint32_t)f->ch_layout.nb_channels;
  v.frames = (uint32_t)f->nb_samples;
  v.planes = planes;
  for (uint32_t p = 0; p < v.channels; p++) {
    size_t need = (size_t)v.frames * 4;
    uint8_t *dst = malloc(need);
    if (!dst) abort();
    FUZZ_CHECK(wc_audio_copy(&v, WC_SF_F32_PLANAR, p, 0, -1, dst, need, why, sizeof why) == (int64_t)need, "copyTo plane %u: %s", p, why);
    free(dst);
  }
  {
    size_t need = (size_t)v.frames * v.channels * 2;
    uint8_t *dst = malloc(need);
    if (!dst) abort();
    FUZZ_CHECK(wc_audio_copy(&v, WC_SF_S16, 0, 0, -1, dst, need, why, sizeof why) == (int64_t)need, "copyTo s16: %s", why);
    free(dst);
  }
  if (planes != stack) free(planes);
  av_frame_free(&c);
}

static int receive_all(AVCodecContext *ctx, struct SwrContext **swr, wc_audio_clock *clock) {
  AVFrame *f = av_frame_alloc();
  int ret;
  if (!f) abort();
  while ((ret = avcodec_receive_frame(ctx, f)) >= 0) {
    use_frame(f, swr, clock);
    av_frame_unref(f);
  }
  av_frame_free(&f);
  return ret == AVERROR(EAGAIN) ? 0 : ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_reader r = {data, size, 0};
  wc_audio_decoder_params p;
  AVCodecContext *ctx = NULL;
  struct SwrContext *swr = NULL;
  wc_audio_clock clock = {0};
  AVPacket *pkt;
  char why[256];
  const char *codec = CODECS[fz_u8(&r) % (sizeof CODECS / sizeof CODECS[0])];
  int flags = fz_u8(&r), failed = 0;
  uint8_t *desc = NULL;
  memset(&p, 0, sizeof p);
  FUZZ_CHECK(wc_audio_codec_parse(codec, strlen(codec), &p.info) == 0, "%s", codec);
  p.channels = 1 + fz_u8(&r) % 8;
  p.sample_rate = RATES[fz_u8(&r) % (sizeof RATES / sizeof RATES[0])];
  p.discard_priming = !(flags & 4);
  p.threads = 1;
  if (flags & 1) {
    size_t n = fz_u16(&r);
    if (n > fz_left(&r)) n = fz_left(&r);
    desc = fz_dup(data + r.pos, n);
    r.pos += n;
    p.extradata = desc;
    p.extradata_size = (int)n;
  }
  if (wc_audio_decoder_check(&p, why, sizeof why) != WC_AUDIO_CONFIG_OK || wc_audio_decoder_open(&p, &ctx, why, sizeof why) < 0) {
    free(desc);
    return 0;
  }
  if (!(pkt = av_packet_alloc())) abort();
  for (int i = 0; i < MAX_CHUNKS && fz_left(&r) > 0 && !failed; i++) {
    size_t n = fz_u32(&r);
    int ret;
    if (n > fz_left(&r)) n = fz_left(&r);
    if (n > MAX_CHUNK) n = MAX_CHUNK;
    if (n == 0) continue; /* as adec_decode: an empty chunk is not sent */
    if (av_new_packet(pkt, (int)n) < 0) abort();
    memcpy(pkt->data, data + r.pos, n);
    r.pos += n;
    pkt->pts = (int64_t)i * 20000;
    while ((ret = avcodec_send_packet(ctx, pkt)) == AVERROR(EAGAIN))
      if (receive_all(ctx, &swr, &clock) < 0) break;
    if (ret < 0 || receive_all(ctx, &swr, &clock) < 0) failed = 1; /* EncodingError: the decoder is closed */
    av_packet_unref(pkt);
    if ((flags & 2) && i == 1 && !failed) {
      avcodec_send_packet(ctx, NULL);
      receive_all(ctx, &swr, &clock);
      avcodec_flush_buffers(ctx);
    }
  }
  if (!failed) {
    avcodec_send_packet(ctx, NULL);
    receive_all(ctx, &swr, &clock);
  }
  av_packet_free(&pkt);
  avcodec_free_context(&ctx);
  swr_free(&swr);
  free(desc);
  return 0;
}
