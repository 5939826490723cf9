/*
 * audio_codec_string_test.c - the audio codec strings of the registrations and
 * the sample-format tables, under AddressSanitizer + UndefinedBehaviorSanitizer.
 * Strings are fed unterminated (exact-size heap copies) so an overread is caught.
 */
#include <libavcodec/codec_id.h>
#include <libavutil/samplefmt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wc/audio/sample_format.h"
#include "wc/formats/audio_codec_string.h"

static int failures;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static int parse(const char *s, wc_audio_codec_info *o) {
  size_t n = strlen(s);
  char *copy = malloc(n ? n : 1);
  int r;
  memcpy(copy, s, n);
  r = wc_audio_codec_parse(copy, n, o);
  free(copy);
  return r;
}

int main(void) {
  wc_audio_codec_info o;
  static const char *const bad[] = {
      "", " opus", "opus ", "Opus", "OPUS", "opus.123", "mp4a", "mp4a.", "mp4a.40", "mp4a.40.", "mp4a.40.1", "mp4a.40.3",
      "mp4a.40.002", "mp4a.40.029", "mp4a.40.042", "mp4a.FF.9", "mp4a.40.2.1", "mp4a.66", "mp4a.68", "mp4a.67.2",
      "mp4a.69.2", "mp4a.6g", "mp4a.4", "audio/mpeg", "audio/webm; codecs=opus", "avc1.42001e", "vp8", "av01.0.04M.08",
      "pcm", "pcm-s8", "pcm-s16le", "pcm-f64", "pcm-u16", "flac ", "mp3\n", "ulaw2", "mp4a.40.2 ",
  };
  CHECK(parse("mp4a.40.2", &o) == 0 && o.codec == WC_AUDIO_AAC && o.object_type == 2 && o.av_codec_id == AV_CODEC_ID_AAC &&
        o.description == WC_DESC_OPTIONAL && !o.mpeg2);
  CHECK(parse("mp4a.40.02", &o) == 0 && o.object_type == 2);
  CHECK(parse("mp4a.40.5", &o) == 0 && o.object_type == 5);
  CHECK(parse("mp4a.40.05", &o) == 0 && o.object_type == 5);
  CHECK(parse("mp4a.40.29", &o) == 0 && o.object_type == 29);
  CHECK(parse("mp4a.40.42", &o) == 0 && o.object_type == 42);
  CHECK(parse("mp4a.67", &o) == 0 && o.codec == WC_AUDIO_AAC && o.mpeg2 && o.object_type == 2);
  CHECK(parse("mp3", &o) == 0 && o.codec == WC_AUDIO_MP3 && o.av_codec_id == AV_CODEC_ID_MP3 && o.description == WC_DESC_IGNORED);
  CHECK(parse("mp4a.69", &o) == 0 && o.codec == WC_AUDIO_MP3);
  CHECK(parse("mp4a.6B", &o) == 0 && o.codec == WC_AUDIO_MP3);
  CHECK(parse("mp4a.6b", &o) == 0 && o.codec == WC_AUDIO_MP3);
  CHECK(parse("opus", &o) == 0 && o.codec == WC_AUDIO_OPUS && o.av_codec_id == AV_CODEC_ID_OPUS && o.description == WC_DESC_OPTIONAL);
  CHECK(parse("flac", &o) == 0 && o.codec == WC_AUDIO_FLAC && o.description == WC_DESC_REQUIRED);
  CHECK(parse("vorbis", &o) == 0 && o.codec == WC_AUDIO_VORBIS && o.description == WC_DESC_REQUIRED);
  CHECK(parse("ulaw", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_MULAW && o.description == WC_DESC_FORBIDDEN && o.pcm_bits == 8);
  CHECK(parse("alaw", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_ALAW);
  CHECK(parse("pcm-u8", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_U8 && o.pcm_bits == 8);
  CHECK(parse("pcm-s16", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_S16LE && o.pcm_bits == 16);
  CHECK(parse("pcm-s24", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_S24LE && o.pcm_bits == 24);
  CHECK(parse("pcm-s32", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_S32LE && o.pcm_bits == 32 && !o.pcm_float);
  CHECK(parse("pcm-f32", &o) == 0 && o.av_codec_id == AV_CODEC_ID_PCM_F32LE && o.pcm_float);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse(bad[i], &o) != -1 || o.codec != WC_AUDIO_NONE) {
      fprintf(stderr, "\"%s\" parsed\n", bad[i]);
      failures++;
    }
  }
  CHECK(wc_audio_codec_parse("vorbis\0", 7, &o) == -1);
  CHECK(wc_audio_codec_parse(NULL, 0, &o) == -1);
  /* sample formats */
  for (int f = 0; f < WC_SF_COUNT; f++) {
    CHECK(wc_sample_format_from_av(wc_sample_format_to_av(f)) == f);
    CHECK(wc_sample_format_bytes(f) == (f % 4 == 0 ? 1 : f % 4 == 1 ? 2 : 4));
    CHECK(wc_sample_format_planar(f) == (f >= 4));
  }
  CHECK(wc_sample_format_name(WC_SF_F32_PLANAR) && strcmp(wc_sample_format_name(WC_SF_F32_PLANAR), "f32-planar") == 0);
  CHECK(!wc_sample_format_name(8) && !wc_sample_format_name(-1) && wc_sample_format_bytes(9) == 0);
  CHECK(wc_sample_format_from_av(AV_SAMPLE_FMT_DBLP) == -1 && wc_sample_format_from_av(AV_SAMPLE_FMT_S64) == -1);
  if (failures) return 1;
  printf("audio_codec_string_test: ok\n");
  return 0;
}
