/*
 * audio_codec_string.c - see include/wc/formats/audio_codec_string.h. Pure C;
 * every read is bounded by len (the fuzzer feeds unterminated buffers).
 */
#include "wc/formats/audio_codec_string.h"

#include <libavcodec/codec_id.h>
#include <string.h>

static int is(const char *s, size_t len, const char *lit) {
  size_t n = strlen(lit);
  return len == n && memcmp(s, lit, n) == 0;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

static void set(wc_audio_codec_info *o, int codec, int id, int desc) {
  memset(o, 0, sizeof(*o));
  o->codec = codec;
  o->av_codec_id = id;
  o->description = desc;
}

/* mp4a.OO[.A]: OO the object type indication (2 hex digits), A the audio object type (1-2 decimal digits). */
static int parse_mp4a(const char *s, size_t len, wc_audio_codec_info *o) {
  int h1, h2, oti, aot = -1;
  if (len < 7 || memcmp(s, "mp4a.", 5) != 0) return -1;
  if ((h1 = hexval(s[5])) < 0 || (h2 = hexval(s[6])) < 0) return -1;
  oti = h1 * 16 + h2;
  if (len > 7) {
    size_t digits = len - 8;
    if (s[7] != '.' || digits < 1 || digits > 2) return -1;
    aot = 0;
    for (size_t i = 8; i < len; i++) {
      if (s[i] < '0' || s[i] > '9') return -1;
      aot = aot * 10 + (s[i] - '0');
    }
  }
  if (oti == 0x40) { /* MPEG-4 audio: the object type says which */
    if (aot != 2 && aot != 5 && aot != 29 && aot != 42) return -1;
    /* "mp4a.40.042" is not a registered spelling; "mp4a.40.02" and "mp4a.40.05" are */
    if (len - 8 == 2 && s[8] == '0' && aot != 2 && aot != 5) return -1;
    set(o, WC_AUDIO_AAC, AV_CODEC_ID_AAC, WC_DESC_OPTIONAL);
    o->object_type = aot;
    return 0;
  }
  if (aot >= 0) return -1; /* the other indications take no object type */
  if (oti == 0x67) {
    set(o, WC_AUDIO_AAC, AV_CODEC_ID_AAC, WC_DESC_OPTIONAL);
    o->object_type = 2;
    o->mpeg2 = 1;
    return 0;
  }
  if (oti == 0x69 || oti == 0x6b) {
    set(o, WC_AUDIO_MP3, AV_CODEC_ID_MP3, WC_DESC_IGNORED);
    return 0;
  }
  return -1;
}

int wc_audio_codec_parse(const char *s, size_t len, wc_audio_codec_info *o) {
  static const struct {
    const char *name;
    int id, bits, is_float;
  } pcm[] = {
      {"pcm-u8", AV_CODEC_ID_PCM_U8, 8, 0},       {"pcm-s16", AV_CODEC_ID_PCM_S16LE, 16, 0},
      {"pcm-s24", AV_CODEC_ID_PCM_S24LE, 24, 0},  {"pcm-s32", AV_CODEC_ID_PCM_S32LE, 32, 0},
      {"pcm-f32", AV_CODEC_ID_PCM_F32LE, 32, 1},
  };
  memset(o, 0, sizeof(*o));
  if (!s) return -1;
  if (is(s, len, "opus")) {
    set(o, WC_AUDIO_OPUS, AV_CODEC_ID_OPUS, WC_DESC_OPTIONAL);
    return 0;
  }
  if (is(s, len, "mp3")) {
    set(o, WC_AUDIO_MP3, AV_CODEC_ID_MP3, WC_DESC_IGNORED);
    return 0;
  }
  if (is(s, len, "flac")) {
    set(o, WC_AUDIO_FLAC, AV_CODEC_ID_FLAC, WC_DESC_REQUIRED);
    return 0;
  }
  if (is(s, len, "vorbis")) {
    set(o, WC_AUDIO_VORBIS, AV_CODEC_ID_VORBIS, WC_DESC_REQUIRED);
    return 0;
  }
  if (is(s, len, "ulaw") || is(s, len, "alaw")) {
    int ulaw = s[0] == 'u';
    set(o, ulaw ? WC_AUDIO_ULAW : WC_AUDIO_ALAW, ulaw ? AV_CODEC_ID_PCM_MULAW : AV_CODEC_ID_PCM_ALAW,
        WC_DESC_FORBIDDEN);
    o->pcm_bits = 8;
    return 0;
  }
  for (size_t i = 0; i < sizeof pcm / sizeof pcm[0]; i++) {
    if (is(s, len, pcm[i].name)) {
      set(o, WC_AUDIO_PCM, pcm[i].id, WC_DESC_FORBIDDEN);
      o->pcm_bits = pcm[i].bits;
      o->pcm_float = pcm[i].is_float;
      return 0;
    }
  }
  if (parse_mp4a(s, len, o) == 0) return 0;
  memset(o, 0, sizeof(*o));
  return -1;
}
