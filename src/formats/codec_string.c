/*
 * codec_string.c - see include/wc/formats/codec_string.h. Pure C; every read is
 * bounded by len (the fuzzer feeds unterminated buffers).
 */
#include "wc/formats/codec_string.h"

#include <stdio.h>
#include <string.h>

typedef struct cursor {
  const char *s;
  size_t len;
  size_t pos;
} cursor;

static int at_end(const cursor *c) { return c->pos >= c->len; }

static int eat(cursor *c, char ch) {
  if (c->pos < c->len && c->s[c->pos] == ch) {
    c->pos++;
    return 1;
  }
  return 0;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Exactly n decimal digits. */
static int dec_fixed(cursor *c, int n, int *out) {
  int v = 0;
  if (c->len - c->pos < (size_t)n || c->pos > c->len) return -1;
  for (int i = 0; i < n; i++) {
    char ch = c->s[c->pos + i];
    if (ch < '0' || ch > '9') return -1;
    v = v * 10 + (ch - '0');
  }
  c->pos += n;
  *out = v;
  return 0;
}

/* 1 to maxdigits decimal digits. */
static int dec_var(cursor *c, int maxdigits, int *out) {
  int v = 0, n = 0;
  while (c->pos < c->len && n < maxdigits && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
    v = v * 10 + (c->s[c->pos] - '0');
    c->pos++;
    n++;
  }
  if (n == 0) return -1;
  if (c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9') return -1; /* too long */
  *out = v;
  return 0;
}

/* 1 to maxdigits hex digits. */
static int hex_var(cursor *c, int maxdigits, uint32_t *out) {
  uint32_t v = 0;
  int n = 0, h;
  while (c->pos < c->len && n < maxdigits && (h = hexval(c->s[c->pos])) >= 0) {
    v = (v << 4) | (uint32_t)h;
    c->pos++;
    n++;
  }
  if (n == 0) return -1;
  if (c->pos < c->len && hexval(c->s[c->pos]) >= 0) return -1;
  *out = v;
  return 0;
}

static int prefix(cursor *c, const char *p) {
  size_t n = strlen(p);
  if (c->len - c->pos < n || memcmp(c->s + c->pos, p, n) != 0) return 0;
  c->pos += n;
  return 1;
}

static void init_info(wc_codec_info *o, int codec) {
  memset(o, 0, sizeof(*o));
  o->codec = codec;
  o->chroma = -1;
  o->chroma_sample_position = -1;
  o->color_primaries = o->transfer = o->matrix = o->full_range = -1;
  o->bit_depth = 8;
}

/* ---------------------------------------------------------------- AVC */

static int avc_level_ok(int level) {
  static const int levels[] = {9, 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62};
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (levels[i] == level) return 1;
  return 0;
}

static int parse_avc(cursor *c, wc_codec_info *o) {
  uint32_t v;
  size_t start = c->pos;
  if (hex_var(c, 6, &v) < 0 || c->pos - start != 6 || !at_end(c)) return -1;
  o->profile = (int)(v >> 16);
  o->constraints = (int)((v >> 8) & 0xff);
  o->level = (int)(v & 0xff);
  if (o->constraints & 0x03) return -1; /* reserved_zero_2bits */
  switch (o->profile) {
    case 66: /* Constrained Baseline / Baseline */
    case 77: /* Main */
    case 88: /* Extended */
    case 100: /* High */ o->bit_depth = 8; o->chroma = WC_CHROMA_420; break;
    case 110: /* High 10 (and High 10 Intra) */ o->bit_depth = 10; o->chroma = WC_CHROMA_420; break;
    case 122: /* High 4:2:2 */ o->bit_depth = 10; o->chroma = WC_CHROMA_422; break;
    case 244: /* High 4:4:4 Predictive */ o->bit_depth = 14; o->chroma = WC_CHROMA_444; break;
    case 44: /* CAVLC 4:4:4 Intra */ o->bit_depth = 14; o->chroma = WC_CHROMA_444; break;
    default: return -1; /* SVC/MVC and unknown profiles */
  }
  if (o->level == 11 && (o->constraints & 0x10) && (o->profile == 66 || o->profile == 77 || o->profile == 88)) {
    /* level 1b signalled with constraint_set3_flag */
  } else if (!avc_level_ok(o->level)) {
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- HEVC */

static int parse_hevc(cursor *c, wc_codec_info *o) {
  int v;
  uint32_t flags;
  /* general_profile_space: absent for 0, or A, B, C */
  if (c->pos < c->len && c->s[c->pos] >= 'A' && c->s[c->pos] <= 'C') {
    o->profile_space = c->s[c->pos] - 'A' + 1;
    c->pos++;
  }
  if (dec_var(c, 3, &v) < 0 || v > 31) return -1;
  o->profile = v;
  if (!eat(c, '.') || hex_var(c, 8, &flags) < 0) return -1;
  o->compat_flags = flags;
  if (!eat(c, '.')) return -1;
  if (eat(c, 'L'))
    o->tier = 0;
  else if (eat(c, 'H'))
    o->tier = 1;
  else
    return -1;
  if (dec_var(c, 3, &v) < 0 || v > 255) return -1;
  o->level = v;
  while (!at_end(c)) {
    uint32_t b;
    if (o->n_constraint_bytes == 6 || !eat(c, '.') || hex_var(c, 2, &b) < 0) return -1;
    o->constraint_bytes[o->n_constraint_bytes++] = (uint8_t)b;
  }
  if (o->profile_space != 0) return -1; /* reserved for future use: no decoder knows it */
  /* The profile decodable here: general_profile_idc, or a compatible profile flagged. */
  {
    int p = o->profile;
    /* The flags are written bit-reversed (ISO/IEC 14496-15 E.3): flag j is bit j of the value. */
    if (p == 0) {
      for (int j = 1; j <= 4 && p == 0; j++)
        if (flags & (1u << j)) p = j;
    }
    switch (p) {
      case 1: o->bit_depth = 8; o->chroma = WC_CHROMA_420; break;  /* Main */
      case 2: o->bit_depth = 10; o->chroma = WC_CHROMA_420; break; /* Main 10 */
      case 3: o->bit_depth = 8; o->chroma = WC_CHROMA_420; break;  /* Main Still Picture */
      case 4: o->bit_depth = 12; o->chroma = -1; break;            /* Range extensions */
      default: return -1;
    }
  }
  if (o->level == 0 || o->level % 3 != 0 || o->level > 186) return -1; /* level_idc = 30 x level */
  return 0;
}

/* ---------------------------------------------------------------- VP9 */

static int vp9_level_ok(int level) {
  static const int levels[] = {10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 52, 60, 61, 62};
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (levels[i] == level) return 1;
  return 0;
}

static int parse_vp9(cursor *c, wc_codec_info *o) {
  int p, l, d, cc, cp, tc, mc, fr;
  if (dec_fixed(c, 2, &p) < 0 || !eat(c, '.') || dec_fixed(c, 2, &l) < 0 || !eat(c, '.') || dec_fixed(c, 2, &d) < 0)
    return -1;
  if (p > 3 || !vp9_level_ok(l) || (d != 8 && d != 10 && d != 12)) return -1;
  if ((p == 0 || p == 1) && d != 8) return -1;
  if ((p == 2 || p == 3) && d == 8) return -1;
  o->profile = p;
  o->level = l;
  o->bit_depth = d;
  o->chroma = (p == 0 || p == 2) ? WC_CHROMA_420 : -1;
  if (at_end(c)) return 0;
  /* Optional fields: all of them or none. */
  if (!eat(c, '.') || dec_fixed(c, 2, &cc) < 0 || !eat(c, '.') || dec_fixed(c, 2, &cp) < 0 || !eat(c, '.') ||
      dec_fixed(c, 2, &tc) < 0 || !eat(c, '.') || dec_fixed(c, 2, &mc) < 0 || !eat(c, '.') ||
      dec_fixed(c, 2, &fr) < 0 || !at_end(c))
    return -1;
  if (cc > 3 || fr > 1) return -1;
  if ((p == 0 || p == 2) && cc > 1) return -1;  /* 4:2:0 profiles */
  if ((p == 1 || p == 3) && cc < 2) return -1;  /* non-4:2:0 profiles (4:4:0 has no code here) */
  if (cp < 1 || cp > 22 || (cp > 12 && cp < 22) || cp == 3) return -1;
  if (tc < 1 || tc > 18 || tc == 3) return -1;
  if (mc > 14 || mc == 3) return -1;
  if (mc == 0 && cc != 3) return -1; /* RGB needs 4:4:4 */
  o->chroma = cc <= 1 ? WC_CHROMA_420 : (cc == 2 ? WC_CHROMA_422 : WC_CHROMA_444);
  o->chroma_sample_position = cc <= 1 ? cc : -1;
  o->color_primaries = cp;
  o->transfer = tc;
  o->matrix = mc;
  o->full_range = fr;
  return 0;
}

/* ---------------------------------------------------------------- AV1 */

static int parse_av1(cursor *c, wc_codec_info *o) {
  int p, l, d, m, sx, sy, pos, cp, tc, mc, fr;
  if (dec_fixed(c, 1, &p) < 0 || !eat(c, '.') || dec_fixed(c, 2, &l) < 0) return -1;
  if (eat(c, 'M'))
    o->tier = 0;
  else if (eat(c, 'H'))
    o->tier = 1;
  else
    return -1;
  if (!eat(c, '.') || dec_fixed(c, 2, &d) < 0) return -1;
  if (p > 2 || l > 31 || (d != 8 && d != 10 && d != 12)) return -1;
  if (p < 2 && d == 12) return -1; /* 12-bit is Professional only */
  /* seq_level_idx 24..30 are reserved; 31 means "no level constraints" */
  if (l >= 24 && l <= 30) return -1;
  o->profile = p;
  o->level = l;
  o->bit_depth = d;
  o->chroma = p == 0 ? WC_CHROMA_420 : (p == 1 ? WC_CHROMA_444 : -1);
  if (at_end(c)) return 0;
  if (!eat(c, '.') || dec_fixed(c, 1, &m) < 0 || !eat(c, '.') || dec_fixed(c, 1, &sx) < 0 ||
      dec_fixed(c, 1, &sy) < 0 || dec_fixed(c, 1, &pos) < 0 || !eat(c, '.') || dec_fixed(c, 2, &cp) < 0 ||
      !eat(c, '.') || dec_fixed(c, 2, &tc) < 0 || !eat(c, '.') || dec_fixed(c, 2, &mc) < 0 || !eat(c, '.') ||
      dec_fixed(c, 1, &fr) < 0 || !at_end(c))
    return -1;
  if (m > 1 || sx > 1 || sy > 1 || pos > 3 || fr > 1) return -1;
  if (sy && !sx) return -1;                           /* 4:4:0 does not exist in AV1 */
  if (pos != 0 && !(sx && sy)) return -1;             /* sample position only for 4:2:0 */
  if (m && p == 1) return -1;                         /* High profile has no monochrome */
  if (p == 0 && !(sx && sy)) return -1;               /* Main: 4:2:0 (or 4:0:0) */
  if (p == 1 && (sx || sy)) return -1;                /* High: 4:4:4 */
  if (p == 2 && d != 12 && !(sx && !sy) && !m) return -1; /* Professional 8/10-bit: 4:2:2 */
  if (cp < 1 || cp > 22 || (cp > 12 && cp < 22) || cp == 3) return -1;
  if (tc < 1 || tc > 18 || tc == 3) return -1;
  if (mc > 14 || mc == 3) return -1;
  o->chroma = m ? WC_CHROMA_400 : (sx && sy ? WC_CHROMA_420 : (sx ? WC_CHROMA_422 : WC_CHROMA_444));
  o->chroma_sample_position = pos;
  o->color_primaries = cp;
  o->transfer = tc;
  o->matrix = mc;
  o->full_range = fr;
  return 0;
}

int wc_codec_parse(const char *s, size_t len, wc_codec_info *out) {
  cursor c = {s, len, 0};
  wc_codec_info o;
  int r = -1;
  if (!s || !out) return -1;
  if (prefix(&c, "avc1.") || prefix(&c, "avc3.")) {
    init_info(&o, WC_CODEC_H264);
    o.in_band = s[2] == 'c' && s[3] == '3';
    r = parse_avc(&c, &o);
  } else if (prefix(&c, "hvc1.") || prefix(&c, "hev1.")) {
    init_info(&o, WC_CODEC_HEVC);
    o.in_band = s[1] == 'e';
    r = parse_hevc(&c, &o);
  } else if (prefix(&c, "vp09.")) {
    init_info(&o, WC_CODEC_VP9);
    r = parse_vp9(&c, &o);
  } else if (prefix(&c, "av01.")) {
    init_info(&o, WC_CODEC_AV1);
    r = parse_av1(&c, &o);
  } else if (prefix(&c, "vp8") && at_end(&c)) {
    init_info(&o, WC_CODEC_VP8);
    o.chroma = WC_CHROMA_420;
    r = 0;
  }
  if (r == 0) *out = o;
  return r;
}

/* ---------------------------------------------------------------- formatting */

int wc_codec_format(const wc_codec_info *o, char *buf, size_t buflen) {
  int n = -1;
  switch (o->codec) {
    case WC_CODEC_H264:
      n = snprintf(buf, buflen, "%s.%02x%02x%02x", o->in_band ? "avc3" : "avc1", o->profile & 0xff,
                   o->constraints & 0xff, o->level & 0xff);
      break;
    case WC_CODEC_HEVC: {
      int k = o->n_constraint_bytes;
      size_t used;
      /* compat_flags is stored as written, i.e. already bit-reversed; trailing zero bytes are omitted */
      while (k > 0 && o->constraint_bytes[k - 1] == 0) k--;
      n = snprintf(buf, buflen, "%s.%s%d.%X.%c%d", o->in_band ? "hev1" : "hvc1",
                   o->profile_space ? (o->profile_space == 1 ? "A" : o->profile_space == 2 ? "B" : "C") : "",
                   o->profile, o->compat_flags, o->tier ? 'H' : 'L', o->level);
      for (int i = 0; i < k && n >= 0 && (size_t)n < buflen; i++) {
        used = (size_t)n;
        n += snprintf(buf + used, buflen - used, ".%X", o->constraint_bytes[i]);
      }
      break;
    }
    case WC_CODEC_VP8: n = snprintf(buf, buflen, "vp8"); break;
    case WC_CODEC_VP9:
      if (o->color_primaries >= 0)
        n = snprintf(buf, buflen, "vp09.%02d.%02d.%02d.%02d.%02d.%02d.%02d.%02d", o->profile, o->level, o->bit_depth,
                     o->chroma == WC_CHROMA_420 ? (o->chroma_sample_position > 0 ? o->chroma_sample_position : 0)
                                                : (o->chroma == WC_CHROMA_422 ? 2 : 3),
                     o->color_primaries, o->transfer, o->matrix, o->full_range > 0);
      else
        n = snprintf(buf, buflen, "vp09.%02d.%02d.%02d", o->profile, o->level, o->bit_depth);
      break;
    case WC_CODEC_AV1:
      if (o->color_primaries >= 0) {
        int sx = o->chroma == WC_CHROMA_420 || o->chroma == WC_CHROMA_422 || o->chroma == WC_CHROMA_400;
        int sy = o->chroma == WC_CHROMA_420 || o->chroma == WC_CHROMA_400;
        n = snprintf(buf, buflen, "av01.%d.%02d%c.%02d.%d.%d%d%d.%02d.%02d.%02d.%d", o->profile, o->level,
                     o->tier ? 'H' : 'M', o->bit_depth, o->chroma == WC_CHROMA_400, sx, sy,
                     o->chroma_sample_position > 0 ? o->chroma_sample_position : 0, o->color_primaries, o->transfer,
                     o->matrix, o->full_range > 0);
      } else {
        n = snprintf(buf, buflen, "av01.%d.%02d%c.%02d", o->profile, o->level, o->tier ? 'H' : 'M', o->bit_depth);
      }
      break;
    default: return -1;
  }
  if (n < 0 || (size_t)n >= buflen) return -1;
  return n;
}
