/*
 * codec_string.h - WebCodecs codec strings (the codec registry's video
 * entries) parsed into facts, and formatted back in canonical form.
 *
 *   avc1.PPCCLL / avc3.PPCCLL           AVC, RFC 6381 sec. 3.3
 *   hvc1.* / hev1.*                     HEVC, ISO/IEC 14496-15 Annex E
 *   vp8                                 VP8
 *   vp09.PP.LL.DD[.CC.cp.tc.mc.FF]      VP9, VP Codec ISO-BMFF binding
 *   av01.P.LLT.DD[.M.CCC.cp.tc.mc.F]    AV1, AV1-ISOBMFF sec. 5
 *
 * Pure C (no FFmpeg, no Node): fuzzed and tested alone. Strings are matched
 * exactly: case as the registrations give it, no surrounding white space;
 * ambiguous or unknown strings do not parse.
 */
#ifndef WC_CODEC_STRING_H
#define WC_CODEC_STRING_H

#include <stddef.h>
#include <stdint.h>

enum wc_codec_kind {
  WC_CODEC_NONE = 0,
  WC_CODEC_H264,
  WC_CODEC_HEVC,
  WC_CODEC_VP8,
  WC_CODEC_VP9,
  WC_CODEC_AV1,
};

enum wc_chroma {
  WC_CHROMA_420 = 0,
  WC_CHROMA_422,
  WC_CHROMA_444,
  WC_CHROMA_400,
  WC_CHROMA_440,
};

typedef struct wc_codec_info {
  int codec;        /* enum wc_codec_kind */
  int profile;      /* AVC profile_idc; HEVC general_profile_idc; VP9 0-3; AV1 seq_profile 0-2 */
  int constraints;  /* AVC constraint_set flags byte */
  int level;        /* AVC level_idc; HEVC general_level_idc; VP9 level x10; AV1 seq_level_idx */
  int tier;         /* HEVC general_tier_flag; AV1 seq_tier (0 = Main, 1 = High) */
  int bit_depth;    /* 8, 10 or 12; AVC/HEVC: derived from the profile (8 or the profile's maximum) */
  int chroma;       /* enum wc_chroma, or -1 when the string does not say */
  int chroma_sample_position; /* AV1 only; -1 when absent */
  int color_primaries;        /* ISO/IEC 23091-2 code points, -1 when absent */
  int transfer;
  int matrix;
  int full_range;   /* 0/1, -1 when absent */
  int in_band;      /* avc3 / hev1: parameter sets may be in band */
  /* HEVC only */
  int profile_space;
  uint32_t compat_flags;  /* as written: general_profile_compatibility_flags, bit-reversed hex */
  uint8_t constraint_bytes[6];
  int n_constraint_bytes;
} wc_codec_info;

/* 0 and *out filled, or -1 when s (len bytes, need not be terminated) is not a valid, known video codec string. */
int wc_codec_parse(const char *s, size_t len, wc_codec_info *out);

/* Canonical string for info (what an encoder reports). Returns the length, or -1 if it does not fit. */
int wc_codec_format(const wc_codec_info *info, char *buf, size_t buflen);

#endif
