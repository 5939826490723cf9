/*
 * bitstream.c - see include/wc/formats/bitstream.h. Every read is bounded by the
 * caller's length; malformed input returns -1.
 */
#include "wc/formats/bitstream.h"

#include <string.h>

/* ---------------------------------------------------------------- NAL units */

int wc_annexb_split(const uint8_t *buf, size_t len, wc_nal *out, int max) {
  size_t i = 0, start = 0;
  int n = 0, in_nal = 0;
  if (!buf) return 0;
  while (i + 2 < len) {
    if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
      if (in_nal && n < max) {
        size_t end = i;
        while (end > start && buf[end - 1] == 0) end--;
        if (end > start) out[n++] = (wc_nal){buf + start, end - start};
      }
      i += 3;
      start = i;
      in_nal = 1;
    } else {
      i++;
    }
  }
  if (in_nal && start < len && n < max) {
    size_t end = len;
    while (end > start && buf[end - 1] == 0) end--;
    if (end > start) out[n++] = (wc_nal){buf + start, end - start};
  }
  return n;
}

int wc_nal_type(int hevc, const wc_nal *n) {
  if (!n->size) return -1;
  return hevc ? (n->data[0] >> 1) & 0x3f : n->data[0] & 0x1f;
}

static int is_parameter_set(int hevc, int type) {
  if (hevc) return type == 32 || type == 33 || type == 34 || type == 35; /* VPS, SPS, PPS, AUD */
  return type == 7 || type == 8 || type == 9;                             /* SPS, PPS, AUD */
}

#define MAX_NALS 256

int64_t wc_annexb_to_length_prefixed(int hevc, const uint8_t *in, size_t len, uint8_t *out, size_t outcap,
                                     int drop_parameter_sets) {
  /* One pass over the start codes (no limit on the number of NAL units). */
  size_t i = 0, pos = 0, start = 0;
  int in_nal = 0;
  if (!in) return 0;
  for (;;) {
    int at_code = i + 2 < len && in[i] == 0 && in[i + 1] == 0 && in[i + 2] == 1;
    if (at_code || i + 2 >= len) {
      if (in_nal) {
        size_t end = at_code ? i : len;
        wc_nal n;
        while (end > start && in[end - 1] == 0) end--;
        n = (wc_nal){in + start, end - start};
        if (n.size && !(drop_parameter_sets && is_parameter_set(hevc, wc_nal_type(hevc, &n)))) {
          if (n.size > 0xffffffffu || pos + 4 + n.size > outcap) return -1;
          out[pos++] = (uint8_t)(n.size >> 24);
          out[pos++] = (uint8_t)(n.size >> 16);
          out[pos++] = (uint8_t)(n.size >> 8);
          out[pos++] = (uint8_t)n.size;
          memcpy(out + pos, n.data, n.size);
          pos += n.size;
        }
      }
      if (!at_code) break;
      i += 3;
      start = i;
      in_nal = 1;
    } else {
      i++;
    }
  }
  return (int64_t)pos;
}

int wc_annexb_has_parameter_sets(int hevc, const uint8_t *buf, size_t len) {
  wc_nal nals[MAX_NALS];
  int n = wc_annexb_split(buf, len, nals, MAX_NALS);
  for (int i = 0; i < n; i++) {
    int t = wc_nal_type(hevc, &nals[i]);
    if (hevc ? (t == 33) : (t == 7)) return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- bit reader (defined below) */

typedef struct bits {
  const uint8_t *p;
  size_t size; /* bytes */
  size_t pos;  /* bits */
  int err;
} bits;

static unsigned get1(bits *b);
static uint32_t ue(bits *b);
static size_t unescape(const uint8_t *in, size_t len, uint8_t *out);

/* ---------------------------------------------------------------- writers */

typedef struct writer {
  uint8_t *p;
  size_t cap, pos;
  int ok;
} writer;

static void w8(writer *w, unsigned v) {
  if (w->pos + 1 > w->cap) {
    w->ok = 0;
    return;
  }
  w->p[w->pos++] = (uint8_t)v;
}

static void w16(writer *w, unsigned v) {
  w8(w, v >> 8);
  w8(w, v);
}

static void wbytes(writer *w, const uint8_t *d, size_t n) {
  if (w->pos + n > w->cap) {
    w->ok = 0;
    return;
  }
  memcpy(w->p + w->pos, d, n);
  w->pos += n;
}

int64_t wc_build_avcc(const uint8_t *annexb, size_t len, uint8_t *out, size_t outcap) {
  wc_nal nals[MAX_NALS];
  int n = wc_annexb_split(annexb, len, nals, MAX_NALS);
  const wc_nal *sps[32], *pps[256];
  int nsps = 0, npps = 0;
  writer w = {out, outcap, 0, 1};
  for (int i = 0; i < n; i++) {
    int t = wc_nal_type(0, &nals[i]);
    if (t == 7 && nsps < 31 && nals[i].size >= 4 && nals[i].size <= 0xffff) sps[nsps++] = &nals[i];
    if (t == 8 && npps < 255 && nals[i].size <= 0xffff) pps[npps++] = &nals[i];
  }
  if (nsps == 0 || npps == 0) return -1;
  w8(&w, 1);               /* configurationVersion */
  w8(&w, sps[0]->data[1]); /* AVCProfileIndication */
  w8(&w, sps[0]->data[2]); /* profile_compatibility */
  w8(&w, sps[0]->data[3]); /* AVCLevelIndication */
  w8(&w, 0xff);            /* 111111 + lengthSizeMinusOne = 3 */
  w8(&w, 0xe0 | (unsigned)nsps);
  for (int i = 0; i < nsps; i++) {
    w16(&w, (unsigned)sps[i]->size);
    wbytes(&w, sps[i]->data, sps[i]->size);
  }
  w8(&w, (unsigned)npps);
  for (int i = 0; i < npps; i++) {
    w16(&w, (unsigned)pps[i]->size);
    wbytes(&w, pps[i]->data, pps[i]->size);
  }
  {
    /* High profiles carry chroma format and bit depths (ISO/IEC 14496-15 5.3.3.1.2), read from the SPS. */
    int profile = sps[0]->data[1];
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44) {
      uint8_t rbsp[64];
      size_t m = unescape(sps[0]->data + 4, sps[0]->size - 4 < sizeof rbsp ? sps[0]->size - 4 : sizeof rbsp, rbsp);
      bits b = {rbsp, m, 0, 0};
      unsigned chroma, depth_luma, depth_chroma;
      ue(&b); /* seq_parameter_set_id */
      chroma = ue(&b);
      if (chroma == 3) get1(&b);
      depth_luma = ue(&b);
      depth_chroma = ue(&b);
      if (b.err || chroma > 3 || depth_luma > 6 || depth_chroma > 6) return -1;
      w8(&w, 0xfc | chroma);
      w8(&w, 0xf8 | depth_luma);
      w8(&w, 0xf8 | depth_chroma);
      w8(&w, 0); /* numOfSequenceParameterSetExt */
    }
  }
  return w.ok ? (int64_t)w.pos : -1;
}

/* ---------------------------------------------------------------- bit reader */

static unsigned get1(bits *b) {
  unsigned v;
  if (b->pos >= b->size * 8) {
    b->err = 1;
    return 0;
  }
  v = (b->p[b->pos >> 3] >> (7 - (b->pos & 7))) & 1;
  b->pos++;
  return v;
}

static uint32_t getn(bits *b, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; i++) v = (v << 1) | get1(b);
  return v;
}

static uint32_t ue(bits *b) {
  int zeros = 0;
  while (!b->err && get1(b) == 0)
    if (++zeros > 31) {
      b->err = 1;
      return 0;
    }
  if (zeros == 0) return 0;
  return ((1u << zeros) - 1) + getn(b, zeros);
}

/* Copies a NAL payload without emulation-prevention bytes into out (same size or less). */
static size_t unescape(const uint8_t *in, size_t len, uint8_t *out) {
  size_t o = 0;
  int zeros = 0;
  for (size_t i = 0; i < len; i++) {
    if (zeros >= 2 && in[i] == 3) {
      zeros = 0;
      continue;
    }
    zeros = in[i] == 0 ? zeros + 1 : 0;
    out[o++] = in[i];
  }
  return o;
}

/* ---------------------------------------------------------------- HEVC */

int wc_hevc_parse_sps(const uint8_t *nal, size_t len, wc_hevc_sps_info *o) {
  uint8_t rbsp[512];
  size_t n;
  bits b;
  int max_sub_layers_minus1;
  uint8_t sub_profile_present[8] = {0}, sub_level_present[8] = {0};
  memset(o, 0, sizeof(*o));
  if (len < 3 || ((nal[0] >> 1) & 0x3f) != 33) return -1;
  if (len - 2 > sizeof rbsp) len = sizeof rbsp + 2;
  n = unescape(nal + 2, len - 2, rbsp);
  b = (bits){rbsp, n, 0, 0};
  getn(&b, 4); /* sps_video_parameter_set_id */
  max_sub_layers_minus1 = (int)getn(&b, 3);
  o->max_sub_layers = max_sub_layers_minus1 + 1;
  o->temporal_id_nesting = (int)get1(&b);
  /* profile_tier_level(1, max_sub_layers_minus1) */
  o->profile_space = (int)getn(&b, 2);
  o->tier = (int)get1(&b);
  o->profile_idc = (int)getn(&b, 5);
  o->compat_flags = getn(&b, 32);
  for (int i = 0; i < 6; i++) o->constraint[i] = (uint8_t)getn(&b, 8);
  o->level_idc = (int)getn(&b, 8);
  for (int i = 0; i < max_sub_layers_minus1; i++) {
    sub_profile_present[i] = (uint8_t)get1(&b);
    sub_level_present[i] = (uint8_t)get1(&b);
  }
  if (max_sub_layers_minus1 > 0)
    for (int i = max_sub_layers_minus1; i < 8; i++) getn(&b, 2); /* reserved_zero_2bits */
  for (int i = 0; i < max_sub_layers_minus1; i++) {
    if (sub_profile_present[i]) {
      getn(&b, 32);
      getn(&b, 32);
      getn(&b, 24);
    }
    if (sub_level_present[i]) getn(&b, 8);
  }
  {
    /* ue(v) values reach 2^32 - 2: range-check them as unsigned before they become ints */
    uint32_t chroma, width, height, depth_luma, depth_chroma;
    ue(&b); /* sps_seq_parameter_set_id */
    chroma = ue(&b);
    if (chroma == 3) get1(&b); /* separate_colour_plane_flag */
    width = ue(&b);
    height = ue(&b);
    if (get1(&b)) { /* conformance_window_flag */
      ue(&b);
      ue(&b);
      ue(&b);
      ue(&b);
    }
    depth_luma = ue(&b);
    depth_chroma = ue(&b);
    if (b.err || chroma > 3 || width > 65535 || height > 65535 || depth_luma > 8 || depth_chroma > 8) return -1;
    o->chroma_format_idc = (int)chroma;
    o->width = (int)width;
    o->height = (int)height;
    o->bit_depth_luma = (int)depth_luma + 8;
    o->bit_depth_chroma = (int)depth_chroma + 8;
  }
  return 0;
}

int64_t wc_build_hvcc(const uint8_t *annexb, size_t len, uint8_t *out, size_t outcap, wc_hevc_sps_info *info) {
  wc_nal nals[MAX_NALS];
  int n = wc_annexb_split(annexb, len, nals, MAX_NALS);
  int types[3] = {32, 33, 34}; /* VPS, SPS, PPS */
  int counts[3] = {0, 0, 0};
  const wc_nal *sps = NULL;
  wc_hevc_sps_info s;
  writer w = {out, outcap, 0, 1};
  for (int i = 0; i < n; i++) {
    int t = wc_nal_type(1, &nals[i]);
    for (int k = 0; k < 3; k++)
      if (t == types[k] && nals[i].size <= 0xffff) counts[k]++;
    if (t == 33 && !sps) sps = &nals[i];
  }
  if (!sps || counts[0] == 0 || counts[2] == 0) return -1;
  if (wc_hevc_parse_sps(sps->data, sps->size, &s) < 0) return -1;
  if (info) *info = s;
  w8(&w, 1); /* configurationVersion */
  w8(&w, (unsigned)(s.profile_space << 6 | s.tier << 5 | s.profile_idc));
  w8(&w, s.compat_flags >> 24);
  w8(&w, s.compat_flags >> 16);
  w8(&w, s.compat_flags >> 8);
  w8(&w, s.compat_flags);
  wbytes(&w, s.constraint, 6);
  w8(&w, (unsigned)s.level_idc);
  w16(&w, 0xf000); /* reserved + min_spatial_segmentation_idc 0 */
  w8(&w, 0xfc);    /* reserved + parallelismType 0 */
  w8(&w, 0xfc | (unsigned)s.chroma_format_idc);
  w8(&w, 0xf8 | (unsigned)(s.bit_depth_luma - 8));
  w8(&w, 0xf8 | (unsigned)(s.bit_depth_chroma - 8));
  w16(&w, 0); /* avgFrameRate */
  /* constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3 */
  w8(&w, (unsigned)((s.max_sub_layers & 7) << 3 | (s.temporal_id_nesting & 1) << 2 | 3));
  w8(&w, 3); /* numOfArrays */
  for (int k = 0; k < 3; k++) {
    w8(&w, 0x80 | (unsigned)types[k]); /* array_completeness 1 */
    w16(&w, (unsigned)counts[k]);
    for (int i = 0; i < n; i++) {
      if (wc_nal_type(1, &nals[i]) != types[k] || nals[i].size > 0xffff) continue;
      w16(&w, (unsigned)nals[i].size);
      wbytes(&w, nals[i].data, nals[i].size);
    }
  }
  return w.ok ? (int64_t)w.pos : -1;
}

/* ---------------------------------------------------------------- AV1 */

static int leb128(const uint8_t *p, size_t len, size_t *pos, uint64_t *value) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) {
    uint8_t byte;
    if (*pos >= len) return -1;
    byte = p[(*pos)++];
    v |= (uint64_t)(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      *value = v;
      return 0;
    }
  }
  return -1;
}

static uint32_t uvlc(bits *b) {
  int zeros = 0;
  while (!b->err && get1(b) == 0)
    if (++zeros >= 32) return 0xffffffffu;
  if (zeros == 0) return 0;
  return getn(b, zeros) + ((1u << zeros) - 1);
}

static int parse_av1_seq(const uint8_t *p, size_t n, wc_av1_seq_info *o) {
  bits b = {p, n, 0, 0};
  int reduced, timing_info_present = 0, decoder_model_info_present = 0, initial_display_delay_present;
  int buffer_delay_length = 0, op_count, frame_width_bits, frame_height_bits;
  int still;
  o->profile = (int)getn(&b, 3);
  still = (int)get1(&b);
  (void)still;
  reduced = (int)get1(&b);
  if (reduced) {
    o->level = (int)getn(&b, 5);
    o->tier = 0;
  } else {
    timing_info_present = (int)get1(&b);
    if (timing_info_present) {
      getn(&b, 32); /* num_units_in_display_tick */
      getn(&b, 32); /* time_scale */
      if (get1(&b)) uvlc(&b); /* equal_picture_interval, num_ticks_per_picture_minus_1 */
      decoder_model_info_present = (int)get1(&b);
      if (decoder_model_info_present) {
        buffer_delay_length = (int)getn(&b, 5) + 1;
        getn(&b, 32); /* num_units_in_decoding_tick */
        getn(&b, 5);  /* buffer_removal_time_length_minus_1 */
        getn(&b, 5);  /* frame_presentation_time_length_minus_1 */
      }
    }
    initial_display_delay_present = (int)get1(&b);
    op_count = (int)getn(&b, 5) + 1;
    for (int i = 0; i < op_count; i++) {
      int level, tier = 0;
      getn(&b, 12); /* operating_point_idc */
      level = (int)getn(&b, 5);
      if (level > 7) tier = (int)get1(&b);
      if (decoder_model_info_present) {
        if (get1(&b)) { /* decoder_model_present_for_this_op */
          getn(&b, buffer_delay_length);
          getn(&b, buffer_delay_length);
          get1(&b);
        }
      }
      if (initial_display_delay_present)
        if (get1(&b)) getn(&b, 4);
      if (i == 0) {
        o->level = level;
        o->tier = tier;
      }
    }
  }
  frame_width_bits = (int)getn(&b, 4) + 1;
  frame_height_bits = (int)getn(&b, 4) + 1;
  o->max_width = (int)getn(&b, frame_width_bits) + 1;
  o->max_height = (int)getn(&b, frame_height_bits) + 1;
  if (!reduced && get1(&b)) { /* frame_id_numbers_present_flag */
    getn(&b, 4);
    getn(&b, 3);
  }
  get1(&b); /* use_128x128_superblock */
  get1(&b); /* enable_filter_intra */
  get1(&b); /* enable_intra_edge_filter */
  if (!reduced) {
    int seq_force_screen_content_tools = 2, enable_order_hint;
    get1(&b); /* enable_interintra_compound */
    get1(&b); /* enable_masked_compound */
    get1(&b); /* enable_warped_motion */
    get1(&b); /* enable_dual_filter */
    enable_order_hint = (int)get1(&b);
    if (enable_order_hint) {
      get1(&b); /* enable_jnt_comp */
      get1(&b); /* enable_ref_frame_mvs */
    }
    if (get1(&b)) { /* seq_choose_screen_content_tools */
      seq_force_screen_content_tools = 2;
    } else {
      seq_force_screen_content_tools = (int)get1(&b);
    }
    if (seq_force_screen_content_tools > 0) {
      if (!get1(&b)) get1(&b); /* seq_choose_integer_mv / seq_force_integer_mv */
    }
    if (enable_order_hint) getn(&b, 3); /* order_hint_bits_minus_1 */
  }
  get1(&b); /* enable_superres */
  get1(&b); /* enable_cdef */
  get1(&b); /* enable_restoration */
  /* color_config() */
  {
    int high_bitdepth = (int)get1(&b);
    if (o->profile == 2 && high_bitdepth)
      o->bit_depth = get1(&b) ? 12 : 10;
    else
      o->bit_depth = high_bitdepth ? 10 : 8;
    o->monochrome = o->profile == 1 ? 0 : (int)get1(&b);
    o->color_description_present = (int)get1(&b);
    if (o->color_description_present) {
      o->color_primaries = (int)getn(&b, 8);
      o->transfer = (int)getn(&b, 8);
      o->matrix = (int)getn(&b, 8);
    } else {
      o->color_primaries = 2;
      o->transfer = 2;
      o->matrix = 2;
    }
    if (o->monochrome) {
      o->full_range = (int)get1(&b);
      o->subsampling_x = o->subsampling_y = 1;
      o->chroma_sample_position = 0;
    } else if (o->color_primaries == 1 && o->transfer == 13 && o->matrix == 0) {
      o->full_range = 1;
      o->subsampling_x = o->subsampling_y = 0;
    } else {
      o->full_range = (int)get1(&b);
      if (o->profile == 0) {
        o->subsampling_x = o->subsampling_y = 1;
      } else if (o->profile == 1) {
        o->subsampling_x = o->subsampling_y = 0;
      } else if (o->bit_depth == 12) {
        o->subsampling_x = (int)get1(&b);
        o->subsampling_y = o->subsampling_x ? (int)get1(&b) : 0;
      } else {
        o->subsampling_x = 1;
        o->subsampling_y = 0;
      }
      if (o->subsampling_x && o->subsampling_y) o->chroma_sample_position = (int)getn(&b, 2);
    }
  }
  return b.err ? -1 : 0;
}

int wc_av1_find_sequence_header(const uint8_t *buf, size_t len, wc_av1_seq_info *o) {
  size_t pos = 0;
  memset(o, 0, sizeof(*o));
  if (!buf) return -1;
  while (pos < len) {
    size_t start = pos, payload;
    uint8_t h = buf[pos++];
    int type = (h >> 3) & 0xf, ext = (h >> 2) & 1, has_size = (h >> 1) & 1;
    uint64_t size;
    if (h & 0x80) return -1;
    if (ext) pos++;
    if (pos > len) return -1;
    if (has_size) {
      if (leb128(buf, len, &pos, &size) < 0) return -1;
    } else {
      size = len - pos;
    }
    if (size > len - pos) return -1;
    payload = pos;
    pos += (size_t)size;
    if (type == 1) {
      o->obu = buf + start;
      o->obu_size = pos - start;
      return parse_av1_seq(buf + payload, (size_t)size, o);
    }
  }
  return -1;
}

int64_t wc_build_av1c(const wc_av1_seq_info *s, uint8_t *out, size_t outcap) {
  writer w = {out, outcap, 0, 1};
  if (!s->obu) return -1;
  w8(&w, 0x81); /* marker, version 1 */
  w8(&w, (unsigned)(s->profile << 5 | (s->level & 0x1f)));
  w8(&w, (unsigned)(s->tier << 7 | (s->bit_depth > 8) << 6 | (s->bit_depth == 12) << 5 | s->monochrome << 4 |
                    s->subsampling_x << 3 | s->subsampling_y << 2 | (s->chroma_sample_position & 3)));
  w8(&w, 0); /* no initial_presentation_delay */
  wbytes(&w, s->obu, s->obu_size);
  return w.ok ? (int64_t)w.pos : -1;
}

size_t wc_av1_strip_temporal_delimiters(uint8_t *buf, size_t len) {
  size_t in = 0, out = 0;
  while (in < len) {
    size_t start = in, pos = in;
    uint8_t h = buf[pos++];
    int type = (h >> 3) & 0xf, ext = (h >> 2) & 1, has_size = (h >> 1) & 1;
    uint64_t size;
    if (ext) pos++;
    if (!has_size || pos > len || leb128(buf, len, &pos, &size) < 0 || size > len - pos) {
      /* not parseable: keep the rest as it is */
      memmove(buf + out, buf + start, len - start);
      return out + (len - start);
    }
    pos += (size_t)size;
    if (type != 2) { /* OBU_TEMPORAL_DELIMITER */
      memmove(buf + out, buf + start, pos - start);
      out += pos - start;
    }
    in = pos;
  }
  return out;
}
