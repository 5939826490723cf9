/*
 * bitstream.h - what the encoder needs to package its output the way the codec
 * registrations describe it: Annex B <-> length-prefixed NAL units, avcC and hvcC
 * records built from parameter sets, the AV1 sequence header (for av1C and the
 * av01 codec string). Pure C: every read is bounded, fuzzed with the rest.
 */
#ifndef WC_BITSTREAM_H
#define WC_BITSTREAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct wc_nal {
  const uint8_t *data; /* without start code */
  size_t size;
} wc_nal;

/* Splits an Annex B buffer into NAL units (trailing zero bytes trimmed). Returns the count (<= max). */
int wc_annexb_split(const uint8_t *buf, size_t len, wc_nal *out, int max);

/* NAL unit type: H.264 nal_unit_type (5 bits) or HEVC nal_unit_type (6 bits). -1 for an empty NAL. */
int wc_nal_type(int hevc, const wc_nal *n);

/*
 * Rewrites an Annex B access unit with 4-byte big-endian lengths. When
 * drop_parameter_sets is set, SPS/PPS (and VPS, AUD) are left out: in "avc"/"hevc"
 * format they travel in the description. out must hold len + 4 * nal count bytes
 * (len + len / 3 + 16 is always enough). Returns the output size, or -1.
 */
int64_t wc_annexb_to_length_prefixed(int hevc, const uint8_t *in, size_t len, uint8_t *out, size_t outcap,
                                     int drop_parameter_sets);

/* Whether an access unit contains a parameter set / an IDR or IRAP picture. */
int wc_annexb_has_parameter_sets(int hevc, const uint8_t *buf, size_t len);

/* Builds an avcC record from the SPS and PPS found in an Annex B buffer. Returns its size, or -1. */
int64_t wc_build_avcc(const uint8_t *annexb, size_t len, uint8_t *out, size_t outcap);

/* HEVC profile_tier_level and format facts from an SPS NAL unit (with its 2-byte header). */
typedef struct wc_hevc_sps_info {
  int profile_space, tier, profile_idc;
  uint32_t compat_flags;     /* general_profile_compatibility_flag[0..31], flag j at bit 31 - j */
  uint8_t constraint[6];     /* general progressive/interlaced/.../reserved flags, 48 bits */
  int level_idc;
  int max_sub_layers;        /* sps_max_sub_layers_minus1 + 1 */
  int temporal_id_nesting;
  int chroma_format_idc;
  int bit_depth_luma, bit_depth_chroma;
  int width, height;
} wc_hevc_sps_info;

int wc_hevc_parse_sps(const uint8_t *nal, size_t len, wc_hevc_sps_info *out);

/* Builds an hvcC record from the VPS, SPS and PPS in an Annex B buffer. Returns its size, or -1. */
int64_t wc_build_hvcc(const uint8_t *annexb, size_t len, uint8_t *out, size_t outcap, wc_hevc_sps_info *info);

/* AV1 sequence header facts. */
typedef struct wc_av1_seq_info {
  int profile, level, tier;  /* operating point 0 */
  int bit_depth, monochrome, subsampling_x, subsampling_y, chroma_sample_position;
  int color_description_present, color_primaries, transfer, matrix, full_range;
  int max_width, max_height;
  const uint8_t *obu;        /* the sequence header OBU inside the input (with its header) */
  size_t obu_size;
} wc_av1_seq_info;

/* Finds and parses the sequence header OBU in a buffer of OBUs (low-overhead format). 0 or -1. */
int wc_av1_find_sequence_header(const uint8_t *buf, size_t len, wc_av1_seq_info *out);

/* Builds an av1C record (AV1-ISOBMFF 2.3) with the sequence header OBU as configOBUs. Returns its size, or -1. */
int64_t wc_build_av1c(const wc_av1_seq_info *s, uint8_t *out, size_t outcap);

/* Removes temporal delimiter OBUs from an AV1 temporal unit in place (they must not be in EncodedVideoChunks
 * stored in MP4/WebM). Returns the new size. */
size_t wc_av1_strip_temporal_delimiters(uint8_t *buf, size_t len);

#endif
