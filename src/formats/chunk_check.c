/*
 * chunk_check.c - see include/wc/formats/chunk_check.h. Every read is bounded by
 * len; the first problem found is the reason given.
 *
 * Cost: one memchr-driven pass over H.264/HEVC chunks (start codes and
 * emulation prevention are found by looking for zero bytes only), a few header
 * bytes for VP8/VP9, one pass over the OBU headers for AV1.
 */
#include "wc/formats/chunk_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wc/formats/codec_string.h"

static int fail(char *why, size_t n, const char *fmt, ...) {
  va_list ap;
  if (why && n) {
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* ---------------------------------------------------------------- H.264 / HEVC */

typedef struct nal_walk {
  int hevc;
  int count;      /* NAL units seen */
  int base_vcl;   /* slices of the base layer */
  int irap;       /* IDR (H.264) / IRAP (HEVC) slices */
} nal_walk;

static int check_nal(nal_walk *w, const uint8_t *d, size_t n, char *why, size_t wl) {
  int idx = w->count++;
  if (!w->hevc) {
    int ref_idc = (d[0] >> 5) & 3, type = d[0] & 0x1f;
    if (d[0] & 0x80) return fail(why, wl, "H.264 NAL unit %d: forbidden_zero_bit is set", idx);
    if (type == 17 || type == 18 || type == 22 || type == 23)
      return fail(why, wl, "H.264 NAL unit %d: nal_unit_type %d is reserved", idx, type);
    if (type == 5 && ref_idc == 0) return fail(why, wl, "H.264 NAL unit %d: an IDR slice with nal_ref_idc 0", idx);
    if ((type == 6 || (type >= 9 && type <= 12)) && ref_idc != 0)
      return fail(why, wl, "H.264 NAL unit %d: nal_unit_type %d with nal_ref_idc %d (must be 0)", idx, type, ref_idc);
    if (type >= 1 && type <= 5) {
      if (n < 2) return fail(why, wl, "H.264 NAL unit %d: a slice of %zu byte", idx, n);
      w->base_vcl++;
      if (type == 5) w->irap++;
    }
    if (type == 7 && n < 4) return fail(why, wl, "H.264 NAL unit %d: a sequence parameter set of %zu bytes", idx, n);
    return 0;
  }
  {
    int type, layer, tid1;
    if (n < 2) return fail(why, wl, "HEVC NAL unit %d: %zu byte, shorter than its header", idx, n);
    type = (d[0] >> 1) & 0x3f;
    layer = ((d[0] & 1) << 5) | (d[1] >> 3);
    tid1 = d[1] & 7;
    if (d[0] & 0x80) return fail(why, wl, "HEVC NAL unit %d: forbidden_zero_bit is set", idx);
    if ((type >= 10 && type <= 15) || (type >= 22 && type <= 31) || (type >= 41 && type <= 47))
      return fail(why, wl, "HEVC NAL unit %d: nal_unit_type %d is reserved", idx, type);
    if (tid1 == 0) return fail(why, wl, "HEVC NAL unit %d: nuh_temporal_id_plus1 is 0", idx);
    if (tid1 != 1 && ((type >= 16 && type <= 21) || type == 32 || type == 33 || type == 36 || type == 37))
      return fail(why, wl, "HEVC NAL unit %d: nal_unit_type %d with TemporalId %d (must be 0)", idx, type, tid1 - 1);
    if (tid1 == 1 && layer == 0 && type >= 2 && type <= 5)
      return fail(why, wl, "HEVC NAL unit %d: a TSA/STSA slice (type %d) with TemporalId 0", idx, type);
    if (type <= 9 || (type >= 16 && type <= 21)) {
      if (n < 3) return fail(why, wl, "HEVC NAL unit %d: a slice of %zu bytes", idx, n);
      if (layer == 0) {
        w->base_vcl++;
        if (type >= 16) w->irap++;
      }
    }
    return 0;
  }
}

/*
 * The first byte-aligned 00 00 0x (x <= 2) in a NAL unit's bytes, which emulation prevention rules out,
 * or n when there is none. Zero bytes that run to the end are trailing_zero_8bits, not a fault.
 */
static size_t forbidden_triple(const uint8_t *d, size_t n) {
  size_t p = 0;
  while (p + 2 < n) {
    const uint8_t *z = memchr(d + p, 0, n - p - 2);
    size_t q;
    if (!z) break;
    q = (size_t)(z - d);
    if (d[q + 1] != 0) {
      p = q + 1;
      continue;
    }
    if (d[q + 2] <= 2) {
      size_t r = q;
      while (r < n && d[r] == 0) r++;
      return r == n ? n : q;
    }
    p = q + 3; /* 00 00 03 (emulation prevention) or 00 00 >3 */
  }
  return n;
}

static int walk_length_prefixed(nal_walk *w, int ls, const uint8_t *d, size_t len, char *why, size_t wl) {
  const char *name = w->hevc ? "HEVC" : "H.264";
  size_t pos = 0;
  while (pos < len) {
    size_t size = 0, bad;
    if (len - pos < (size_t)ls)
      return fail(why, wl, "%s: %zu bytes after the last NAL unit, too few for a %d-byte length", name, len - pos, ls);
    for (int i = 0; i < ls; i++) size = size << 8 | d[pos + i];
    pos += (size_t)ls;
    if (size > len - pos)
      return fail(why, wl, "%s NAL unit %d: length %zu overruns the chunk (%zu bytes left)", name, w->count, size,
                  len - pos);
    if (size) {
      if (check_nal(w, d + pos, size, why, wl) < 0) return -1;
      if ((bad = forbidden_triple(d + pos, size)) < size)
        return fail(why, wl, "%s NAL unit %d: bytes 00 00 %02x at offset %zu (a start code or a damaged unit)", name,
                    w->count - 1, d[pos + bad + 2], bad);
    }
    pos += size;
  }
  return 0;
}

static int walk_annexb(nal_walk *w, const uint8_t *d, size_t len, char *why, size_t wl) {
  const char *name = w->hevc ? "HEVC" : "H.264";
  size_t i = 0, start;
  while (i < len && d[i] == 0) i++;
  if (i == len) return fail(why, wl, "%s: no start code (%zu zero bytes)", name, len);
  if (i < 2 || d[i] != 1)
    return fail(why, wl, "%s: the chunk does not start with a start code (00 00 01): it is not in Annex B form", name);
  start = i + 1;
  for (;;) {
    /* the NAL unit from start to the next start code, the trailing zero bytes or the end */
    size_t p = start, end = len, next = len;
    while (p < len) {
      const uint8_t *z = memchr(d + p, 0, len - p);
      size_t q, r;
      if (!z) break;
      q = (size_t)(z - d);
      if (q + 2 >= len) {
        /* one or two bytes left: trailing zeros end the unit, 00 xx is data */
        if (d[len - 1] == 0) end = q + 1 < len && d[q + 1] != 0 ? len : q;
        break;
      }
      if (d[q + 1] != 0) {
        p = q + 1;
        continue;
      }
      if (d[q + 2] == 3 || d[q + 2] > 3) {
        p = q + 3;
        continue;
      }
      if (d[q + 2] == 2)
        return fail(why, wl, "%s NAL unit %d: bytes 00 00 02, which cannot occur in a byte stream", name, w->count);
      end = q;
      r = q;
      while (r < len && d[r] == 0) r++;
      if (r < len && (d[r] != 1 || r - q < 2))
        return fail(why, wl, "%s NAL unit %d: bytes 00 00 00 followed by %02x inside the unit", name, w->count, d[r]);
      next = r < len ? r + 1 : len;
      break;
    }
    if (end > start && check_nal(w, d + start, end - start, why, wl) < 0) return -1;
    if (next >= len) return 0;
    start = next;
  }
}

static int check_h26x(int hevc, int ls, const uint8_t *d, size_t len, wc_chunk_facts *f, char *why, size_t wl) {
  nal_walk w = {hevc, 0, 0, 0};
  int ret = ls ? walk_length_prefixed(&w, ls, d, len, why, wl) : walk_annexb(&w, d, len, why, wl);
  if (ret < 0) return -1;
  if (!w.base_vcl)
    return fail(why, wl, "%s: no slice in the chunk (%d NAL unit%s, none of them a picture)", hevc ? "HEVC" : "H.264",
                w.count, w.count == 1 ? "" : "s");
  f->shows = 1;
  f->idr = w.irap > 0;
  return 0;
}

/* ---------------------------------------------------------------- VP8 */

static int check_vp8(const uint8_t *d, size_t len, wc_chunk_facts *f, char *why, size_t wl) {
  uint32_t tag, first_part;
  int key, version;
  size_t header;
  if (len < 3) return fail(why, wl, "VP8: %zu bytes, shorter than the frame tag", len);
  tag = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16;
  key = !(tag & 1);
  version = (tag >> 1) & 7;
  first_part = tag >> 5;
  if (version > 3) return fail(why, wl, "VP8: version %d (0-3 are defined)", version);
  header = key ? 10 : 3;
  if (len < header) return fail(why, wl, "VP8: a key frame of %zu bytes, shorter than its header", len);
  if (key) {
    if (d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a)
      return fail(why, wl, "VP8: key frame start code %02x %02x %02x is not 9d 01 2a", d[3], d[4], d[5]);
    if (!((d[6] | d[7] << 8) & 0x3fff) || !((d[8] | d[9] << 8) & 0x3fff))
      return fail(why, wl, "VP8: key frame of size %dx%d", (d[6] | d[7] << 8) & 0x3fff, (d[8] | d[9] << 8) & 0x3fff);
  }
  if (first_part == 0) return fail(why, wl, "VP8: the first partition is empty");
  if (first_part > len - header)
    return fail(why, wl, "VP8: first partition of %u bytes overruns the chunk (%zu bytes after the header)", first_part,
                len - header);
  f->shows = (tag >> 4) & 1;
  f->idr = key;
  return 0;
}

/* ---------------------------------------------------------------- VP9 */

typedef struct bits {
  const uint8_t *d;
  size_t n, pos; /* pos in bits */
  int over;
} bits;

static uint32_t get_bits(bits *b, int count) {
  uint32_t v = 0;
  for (int i = 0; i < count; i++) {
    if (b->pos >= b->n * 8) {
      b->over = 1;
      return 0;
    }
    v = v << 1 | ((b->d[b->pos >> 3] >> (7 - (b->pos & 7))) & 1);
    b->pos++;
  }
  return v;
}

static int vp9_frame(const uint8_t *d, size_t n, int idx, wc_chunk_facts *f, char *why, size_t wl) {
  bits b = {d, n, 0, 0};
  int profile, frame_type, show, error_res, intra_only = 0;
  uint32_t sync = 0x498342, marker = get_bits(&b, 2);
  if (marker != 2) return fail(why, wl, "VP9 frame %d: frame_marker %u is not 2", idx, marker);
  profile = (int)get_bits(&b, 1);
  profile |= (int)get_bits(&b, 1) << 1;
  if (profile == 3 && get_bits(&b, 1)) return fail(why, wl, "VP9 frame %d: profile 3 reserved_zero bit is set", idx);
  if (get_bits(&b, 1)) { /* show_existing_frame */
    get_bits(&b, 3);
    if (b.over) return fail(why, wl, "VP9 frame %d: truncated header", idx);
    f->shows = 1;
    return 0;
  }
  frame_type = (int)get_bits(&b, 1);
  show = (int)get_bits(&b, 1);
  error_res = (int)get_bits(&b, 1);
  if (frame_type != 0) {
    intra_only = show ? 0 : (int)get_bits(&b, 1);
    if (!error_res) get_bits(&b, 2); /* reset_frame_context */
  }
  if (frame_type == 0 || intra_only) {
    uint32_t code = get_bits(&b, 24);
    if (!b.over && code != sync)
      return fail(why, wl, "VP9 frame %d: %s frame sync code %06x is not 498342", idx, frame_type == 0 ? "key" : "intra-only",
                  code);
  }
  if (b.over) return fail(why, wl, "VP9 frame %d: %zu bytes, truncated in the frame header", idx, n);
  if (show) f->shows = 1;
  if (frame_type == 0) f->idr = 1;
  return 0;
}

static int check_vp9(const uint8_t *d, size_t len, wc_chunk_facts *f, char *why, size_t wl) {
  uint8_t last;
  if (len == 0) return fail(why, wl, "VP9: empty chunk");
  last = d[len - 1];
  if ((last & 0xe0) == 0xc0) {
    int frames = (last & 7) + 1, mag = ((last >> 3) & 3) + 1;
    size_t isz = 2 + (size_t)mag * (size_t)frames;
    if (len >= isz && d[len - isz] == last) {
      const uint8_t *ix = d + len - isz + 1;
      size_t pos = 0, avail = len - isz;
      for (int i = 0; i < frames; i++) {
        size_t size = 0;
        for (int k = 0; k < mag; k++) size |= (size_t)ix[i * mag + k] << (8 * k);
        if (size == 0) return fail(why, wl, "VP9 superframe: frame %d has size 0", i);
        if (size > avail - pos)
          return fail(why, wl, "VP9 superframe: frame %d of %zu bytes overruns the chunk (%zu bytes left)", i, size,
                      avail - pos);
        if (vp9_frame(d + pos, size, i, f, why, wl) < 0) return -1;
        pos += size;
      }
      return 0;
    }
  }
  return vp9_frame(d, len, 0, f, why, wl);
}

/* ---------------------------------------------------------------- AV1 */

static int check_av1(const uint8_t *d, size_t len, wc_chunk_facts *f, char *why, size_t wl) {
  size_t pos = 0;
  int frames = 0, idx = 0;
  if (len == 0) return fail(why, wl, "AV1: empty chunk");
  while (pos < len) {
    uint8_t h = d[pos];
    int type = (h >> 3) & 0xf, ext = (h >> 2) & 1, has_size = (h >> 1) & 1;
    size_t p = pos + 1 + (size_t)ext, size;
    if (h & 0x80) return fail(why, wl, "AV1 OBU %d: obu_forbidden_bit is set", idx);
    if (type == 0 || (type >= 9 && type <= 14)) return fail(why, wl, "AV1 OBU %d: obu_type %d is reserved", idx, type);
    if (p > len) return fail(why, wl, "AV1 OBU %d: truncated header", idx);
    if (has_size) {
      uint64_t v = 0;
      int i = 0;
      for (;; i++) {
        if (i == 8) return fail(why, wl, "AV1 OBU %d: obu_size longer than 8 bytes", idx);
        if (p + (size_t)i >= len) return fail(why, wl, "AV1 OBU %d: truncated obu_size", idx);
        v |= (uint64_t)(d[p + (size_t)i] & 0x7f) << (7 * i);
        if (!(d[p + (size_t)i] & 0x80)) break;
      }
      p += (size_t)i + 1;
      if (v > len - p)
        return fail(why, wl, "AV1 OBU %d (type %d): obu_size %llu overruns the chunk (%zu bytes left)", idx, type,
                    (unsigned long long)v, len - p);
      size = (size_t)v;
    } else {
      size = len - p; /* the last OBU of a sample may omit its size */
    }
    if (type == 1 && size >= 1) f->av1_reduced_still = (d[p] >> 3) & 1;
    if (type == 3 || type == 6) {
      if (size < 1) return fail(why, wl, "AV1 OBU %d: empty frame header", idx);
      frames++;
      if (f->av1_reduced_still == 1) {
        f->shows = f->idr = 1; /* every frame is a shown key frame */
      } else if (d[p] & 0x80) {
        f->shows = 1; /* show_existing_frame */
      } else {
        if ((d[p] >> 4) & 1) f->shows = 1;
        if (((d[p] >> 5) & 3) == 0) f->idr = 1;
      }
    }
    pos = p + size;
    idx++;
  }
  if (!frames) return fail(why, wl, "AV1: no frame or frame header OBU in the chunk (%d OBU%s)", idx, idx == 1 ? "" : "s");
  return 0;
}

/* ---------------------------------------------------------------- entry points */

int wc_chunk_check(int codec_kind, int nal_length_size, const uint8_t *data, size_t len, wc_chunk_facts *facts,
                   char *why, size_t whylen) {
  facts->shows = 0;
  facts->idr = 0;
  if (!data) len = 0;
  if (whylen) why[0] = 0;
  switch (codec_kind) {
    case WC_CODEC_H264:
    case WC_CODEC_HEVC:
      if (len == 0) return fail(why, whylen, "%s: empty chunk", codec_kind == WC_CODEC_HEVC ? "HEVC" : "H.264");
      if (nal_length_size != 0 && nal_length_size != 1 && nal_length_size != 2 && nal_length_size != 4)
        return fail(why, whylen, "NAL unit length size %d", nal_length_size);
      return check_h26x(codec_kind == WC_CODEC_HEVC, nal_length_size, data, len, facts, why, whylen);
    case WC_CODEC_VP8: return check_vp8(data, len, facts, why, whylen);
    case WC_CODEC_VP9: return check_vp9(data, len, facts, why, whylen);
    case WC_CODEC_AV1: return check_av1(data, len, facts, why, whylen);
    default: facts->shows = 1; return 0;
  }
}

int wc_nal_length_size(int codec_kind, const uint8_t *desc, size_t len) {
  if (!desc) return 0;
  if (codec_kind == WC_CODEC_H264 && len >= 7 && desc[0] == 1) return (desc[4] & 3) + 1;
  if (codec_kind == WC_CODEC_HEVC && len >= 23 && desc[0] <= 1) return (desc[21] & 3) + 1;
  return 0;
}
