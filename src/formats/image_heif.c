/*
 * image_heif.c - AVIF box parser; see include/wc/formats/image_heif.h.
 * Box layouts: ISO/IEC 14496-12 (ISOBMFF), ISO/IEC 23008-12 (HEIF), AV1-ISOBMFF and
 * the AVIF specification. Every read is checked against the box it belongs to.
 */
#define _POSIX_C_SOURCE 200809L
#include "wc/formats/image_heif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static int fail(wc_heif *st, int code, const char *msg) {
  snprintf(st->err, sizeof st->err, "AVIF: %s", msg);
  return code;
}

typedef struct box {
  uint32_t type;
  uint64_t start, body, end; /* body: after the header (and largesize) */
} box;

/* Reads the box header at p within [p, limit). 0, 1 (the header has not all arrived: len < limit), -1. */
static int box_at(const uint8_t *d, uint64_t p, uint64_t limit, uint64_t len, box *b) {
  uint64_t size;
  if (p + 8 > limit) return -1;
  if (p + 8 > len) return 1;
  size = wc_rd32be(d + p);
  b->type = wc_rd32be(d + p + 4);
  b->start = p;
  b->body = p + 8;
  if (size == 1) {
    if (p + 16 > limit) return -1;
    if (p + 16 > len) return 1;
    size = wc_rd64be(d + p + 8);
    b->body = p + 16;
  } else if (size == 0) {
    size = limit - p; /* to the end of the file / container */
  }
  if (size < b->body - p || size > limit - p) return -1;
  b->end = p + size;
  return 0;
}

/* A cursor over a fully present range. */
typedef struct cur {
  const uint8_t *d;
  uint64_t p, end;
  int bad;
} cur;

static uint64_t rd(cur *c, int bytes) {
  uint64_t v = 0;
  if (bytes == 0) return 0;
  if (c->bad || c->end - c->p < (uint64_t)bytes || c->p > c->end) {
    c->bad = 1;
    return 0;
  }
  for (int i = 0; i < bytes; i++) v = v << 8 | c->d[c->p + (uint64_t)i];
  c->p += (uint64_t)bytes;
  return v;
}

typedef struct iloc_item {
  uint32_t id;
  int method;
  uint64_t base;
  uint32_t n;
  uint64_t off[WC_HEIF_MAX_EXTENTS], len[WC_HEIF_MAX_EXTENTS];
} iloc_item;

typedef struct prop {
  uint32_t type;
  uint64_t body, end; /* payload */
} prop;

typedef struct assoc {
  uint32_t item;
  uint32_t index; /* 1-based into ipco */
  int essential;
} assoc;

typedef struct ref {
  uint32_t type, from, to;
} ref;

typedef struct infe {
  uint32_t id, type;
} infe;

typedef struct meta {
  uint32_t primary;
  int have_pitm;
  iloc_item *iloc;
  uint32_t niloc;
  infe *items;
  uint32_t nitems;
  prop *props;
  uint32_t nprops;
  assoc *assocs;
  uint32_t nassocs;
  ref *refs;
  uint32_t nrefs;
  uint64_t idat_off, idat_len;
  int have_idat;
} meta;

static void meta_free(meta *m) {
  free(m->iloc);
  free(m->items);
  free(m->props);
  free(m->assocs);
  free(m->refs);
}

/* Grows *arr to hold n + 1 elements of size sz. */
static int grow(void **arr, uint32_t n, size_t sz) {
  void *p;
  if (n >= (1u << 20)) return -1;
  if (n & (n - 1)) return 0; /* capacity is the next power of two */
  p = realloc(*arr, (n ? (size_t)n * 2 : 4) * sz);
  if (!p) return -1;
  *arr = p;
  return 0;
}

static int parse_iloc(meta *m, cur *c) {
  int version = (int)rd(c, 1), off_size, len_size, base_size, index_size = 0;
  uint32_t count;
  uint64_t sizes;
  rd(c, 3);
  sizes = rd(c, 2);
  off_size = (int)(sizes >> 12) & 15;
  len_size = (int)(sizes >> 8) & 15;
  base_size = (int)(sizes >> 4) & 15;
  if (version == 1 || version == 2) index_size = (int)sizes & 15;
  if (version > 2) return -1;
  for (int s = 0; s < 4; s++) {
    int v = s == 0 ? off_size : s == 1 ? len_size : s == 2 ? base_size : index_size;
    if (v != 0 && v != 4 && v != 8) return -1;
  }
  count = (uint32_t)(version < 2 ? rd(c, 2) : rd(c, 4));
  for (uint32_t i = 0; i < count && !c->bad; i++) {
    iloc_item *it;
    uint32_t n;
    if (grow((void **)&m->iloc, m->niloc, sizeof(*m->iloc)) < 0) return -1;
    it = &m->iloc[m->niloc++];
    memset(it, 0, sizeof(*it));
    it->id = (uint32_t)(version < 2 ? rd(c, 2) : rd(c, 4));
    if (version == 1 || version == 2) it->method = (int)(rd(c, 2) & 15);
    rd(c, 2); /* data_reference_index */
    it->base = rd(c, base_size);
    n = (uint32_t)rd(c, 2);
    for (uint32_t e = 0; e < n && !c->bad; e++) {
      uint64_t o, l;
      rd(c, index_size);
      o = rd(c, off_size);
      l = rd(c, len_size);
      if (it->n < WC_HEIF_MAX_EXTENTS) {
        it->off[it->n] = o;
        it->len[it->n] = l;
      }
      it->n++;
    }
  }
  return c->bad ? -1 : 0;
}

static int parse_iinf(meta *m, const uint8_t *d, cur *c) {
  int version = (int)rd(c, 1);
  uint64_t p;
  rd(c, 3);
  rd(c, version == 0 ? 2 : 4); /* entry_count: the boxes that follow are what counts */
  if (c->bad) return -1;
  p = c->p;
  while (p < c->end) {
    box b;
    cur e;
    int v;
    if (box_at(d, p, c->end, c->end, &b) != 0) return -1;
    if (b.type == T('i', 'n', 'f', 'e')) {
      e = (cur){d, b.body, b.end, 0};
      v = (int)rd(&e, 1);
      rd(&e, 3);
      if (v >= 2) {
        infe *it;
        if (grow((void **)&m->items, m->nitems, sizeof(*m->items)) < 0) return -1;
        it = &m->items[m->nitems];
        it->id = (uint32_t)(v == 2 ? rd(&e, 2) : rd(&e, 4));
        rd(&e, 2); /* protection index */
        it->type = (uint32_t)rd(&e, 4);
        if (e.bad) return -1;
        m->nitems++;
      }
    }
    p = b.end;
  }
  return 0;
}

static int parse_iref(meta *m, const uint8_t *d, cur *c) {
  int version = (int)rd(c, 1);
  uint64_t p;
  rd(c, 3);
  if (c->bad) return -1;
  p = c->p;
  while (p < c->end) {
    box b;
    cur e;
    uint32_t from, n;
    if (box_at(d, p, c->end, c->end, &b) != 0) return -1;
    e = (cur){d, b.body, b.end, 0};
    from = (uint32_t)rd(&e, version == 0 ? 2 : 4);
    n = (uint32_t)rd(&e, 2);
    for (uint32_t i = 0; i < n && !e.bad; i++) {
      uint32_t to = (uint32_t)rd(&e, version == 0 ? 2 : 4);
      if (e.bad) break;
      if (b.type == T('a', 'u', 'x', 'l') || b.type == T('p', 'r', 'e', 'm') || b.type == T('d', 'i', 'm', 'g')) {
        if (grow((void **)&m->refs, m->nrefs, sizeof(*m->refs)) < 0) return -1;
        m->refs[m->nrefs++] = (ref){b.type, from, to};
      }
    }
    if (e.bad) return -1;
    p = b.end;
  }
  return 0;
}

static int parse_iprp(meta *m, const uint8_t *d, uint64_t p, uint64_t end) {
  while (p < end) {
    box b;
    if (box_at(d, p, end, end, &b) != 0) return -1;
    if (b.type == T('i', 'p', 'c', 'o')) {
      uint64_t q = b.body;
      while (q < b.end) {
        box pb;
        if (box_at(d, q, b.end, b.end, &pb) != 0) return -1;
        if (grow((void **)&m->props, m->nprops, sizeof(*m->props)) < 0) return -1;
        m->props[m->nprops++] = (prop){pb.type, pb.body, pb.end};
        q = pb.end;
      }
    } else if (b.type == T('i', 'p', 'm', 'a')) {
      cur c = {d, b.body, b.end, 0};
      int version = (int)rd(&c, 1);
      int flags = (int)rd(&c, 3);
      uint32_t n = (uint32_t)rd(&c, 4);
      for (uint32_t i = 0; i < n && !c.bad; i++) {
        uint32_t item = (uint32_t)(version < 1 ? rd(&c, 2) : rd(&c, 4));
        int k = (int)rd(&c, 1);
        for (int j = 0; j < k && !c.bad; j++) {
          uint32_t v = (uint32_t)((flags & 1) ? rd(&c, 2) : rd(&c, 1));
          int ess = (flags & 1) ? (int)(v >> 15) : (int)(v >> 7);
          uint32_t idx = (flags & 1) ? (v & 0x7fff) : (v & 0x7f);
          if (c.bad) break;
          if (grow((void **)&m->assocs, m->nassocs, sizeof(*m->assocs)) < 0) return -1;
          m->assocs[m->nassocs++] = (assoc){item, idx, ess};
        }
      }
      if (c.bad) return -1;
    }
    p = b.end;
  }
  return 0;
}

static int parse_meta_boxes(meta *m, const uint8_t *d, uint64_t p, uint64_t end) {
  while (p < end) {
    box b;
    cur c;
    if (box_at(d, p, end, end, &b) != 0) return -1;
    c = (cur){d, b.body, b.end, 0};
    switch (b.type) {
      case T('p', 'i', 't', 'm'): {
        int v = (int)rd(&c, 1);
        rd(&c, 3);
        m->primary = (uint32_t)(v == 0 ? rd(&c, 2) : rd(&c, 4));
        if (c.bad) return -1;
        m->have_pitm = 1;
        break;
      }
      case T('i', 'l', 'o', 'c'):
        if (parse_iloc(m, &c) < 0) return -1;
        break;
      case T('i', 'i', 'n', 'f'):
        if (parse_iinf(m, d, &c) < 0) return -1;
        break;
      case T('i', 'r', 'e', 'f'):
        if (parse_iref(m, d, &c) < 0) return -1;
        break;
      case T('i', 'p', 'r', 'p'):
        if (parse_iprp(m, d, b.body, b.end) < 0) return -1;
        break;
      case T('i', 'd', 'a', 't'):
        m->have_idat = 1;
        m->idat_off = b.body;
        m->idat_len = b.end - b.body;
        break;
      default: break;
    }
    p = b.end;
  }
  return 0;
}

static const infe *find_item(const meta *m, uint32_t id) {
  for (uint32_t i = 0; i < m->nitems; i++)
    if (m->items[i].id == id) return &m->items[i];
  return NULL;
}

static const prop *item_prop(const meta *m, uint32_t item, uint32_t type) {
  for (uint32_t i = 0; i < m->nassocs; i++) {
    const assoc *a = &m->assocs[i];
    if (a->item == item && a->index >= 1 && a->index <= m->nprops && m->props[a->index - 1].type == type)
      return &m->props[a->index - 1];
  }
  return NULL;
}

static int is_alpha_aux(const meta *m, const uint8_t *d, uint32_t item) {
  static const char urn1[] = "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";
  static const char urn2[] = "urn:mpeg:hevc:2015:auxid:1";
  const prop *p = item_prop(m, item, T('a', 'u', 'x', 'C'));
  uint64_t n;
  if (!p || p->end - p->body < 5) return 0;
  n = p->end - p->body - 4; /* after version/flags: a NUL-terminated string, then subtype bytes */
  {
    const char *s = (const char *)d + p->body + 4;
    size_t l = strnlen(s, (size_t)n);
    return (l == sizeof urn1 - 1 && memcmp(s, urn1, l) == 0) || (l == sizeof urn2 - 1 && memcmp(s, urn2, l) == 0);
  }
}

/* Fills img from item id's properties and location. */
static int load_image(wc_heif *st, const meta *m, const uint8_t *d, uint32_t id, wc_heif_image *img, int primary) {
  const infe *it = find_item(m, id);
  const iloc_item *loc = NULL;
  const prop *p;
  if (!it) return fail(st, WC_IMG_MALFORMED, "an item without an infe entry");
  if (it->type == T('g', 'r', 'i', 'd')) return fail(st, WC_IMG_UNSUPPORTED, "grid (tiled) images are not supported");
  if (it->type != T('a', 'v', '0', '1')) return fail(st, WC_IMG_UNSUPPORTED, "the image item is not AV1 ('av01')");
  img->item_id = id;
  /* every property the item depends on must be one we know */
  for (uint32_t i = 0; i < m->nassocs; i++) {
    const assoc *a = &m->assocs[i];
    uint32_t t;
    if (a->item != id) continue;
    if (a->index == 0 || a->index > m->nprops) return fail(st, WC_IMG_MALFORMED, "ipma names a property that does not exist");
    t = m->props[a->index - 1].type;
    if (a->essential && t != T('a', 'v', '1', 'C') && t != T('i', 's', 'p', 'e') && t != T('c', 'o', 'l', 'r') &&
        t != T('p', 'i', 'x', 'i') && t != T('i', 'r', 'o', 't') && t != T('i', 'm', 'i', 'r') &&
        t != T('a', 'u', 'x', 'C') && t != T('p', 'a', 's', 'p') && t != T('a', '1', 'o', 'p') &&
        t != T('l', 's', 'e', 'l'))
      return fail(st, WC_IMG_UNSUPPORTED, "the image depends on a property this decoder does not know");
    if (!primary) continue;
    {
      const prop *q = &m->props[a->index - 1];
      cur c = {d, q->body, q->end, 0};
      if (t == T('i', 'r', 'o', 't')) {
        int angle = (int)(rd(&c, 1) & 3); /* anti-clockwise, in quarter turns */
        st->orientation = wc_orientation_rotate(st->orientation, (4 - angle) % 4 * 90);
      } else if (t == T('i', 'm', 'i', 'r')) {
        /* ISO/IEC 23008-12:2022 6.5.12: axis 0 exchanges top and bottom, 1 left and right (as libavif
         * and so Chrome read it; the 2017 text's "vertical axis" was ambiguous) */
        int axis = (int)(rd(&c, 1) & 1);
        st->orientation = wc_orientation_mirror(st->orientation, axis == 0);
      } else if (t == T('c', 'o', 'l', 'r')) {
        uint32_t kind = (uint32_t)rd(&c, 4);
        if (kind == T('n', 'c', 'l', 'x') && !st->has_nclx) {
          st->primaries = (int)rd(&c, 2);
          st->transfer = (int)rd(&c, 2);
          st->matrix = (int)rd(&c, 2);
          st->full_range = (int)(rd(&c, 1) >> 7);
          if (!c.bad) st->has_nclx = 1;
        } else if (kind == T('r', 'I', 'C', 'C') || kind == T('p', 'r', 'o', 'f')) {
          st->has_icc = 1;
        }
      }
    }
  }
  if (!(p = item_prop(m, id, T('i', 's', 'p', 'e')))) return fail(st, WC_IMG_MALFORMED, "an image without ispe");
  {
    cur c = {d, p->body, p->end, 0};
    rd(&c, 4);
    img->width = (uint32_t)rd(&c, 4);
    img->height = (uint32_t)rd(&c, 4);
    if (c.bad) return fail(st, WC_IMG_MALFORMED, "ispe too short");
    if (wc_image_check_size(img->width, img->height, st->err, sizeof st->err) < 0) return WC_IMG_MALFORMED;
  }
  if (!(p = item_prop(m, id, T('a', 'v', '1', 'C')))) return fail(st, WC_IMG_MALFORMED, "an AV1 image without av1C");
  if (p->end - p->body < 4 || p->end - p->body > WC_HEIF_MAX_AV1C) return fail(st, WC_IMG_MALFORMED, "invalid av1C size");
  img->av1c_len = (int)(p->end - p->body);
  memcpy(img->av1c, d + p->body, (size_t)img->av1c_len);
  if ((p = item_prop(m, id, T('p', 'i', 'x', 'i')))) {
    cur c = {d, p->body, p->end, 0};
    rd(&c, 4);
    if (rd(&c, 1) >= 1) img->depth = (int)rd(&c, 1);
  }
  for (uint32_t i = 0; i < m->niloc; i++)
    if (m->iloc[i].id == id) loc = &m->iloc[i];
  if (!loc) return fail(st, WC_IMG_MALFORMED, "an image without a location (iloc)");
  if (loc->n == 0 || loc->n > WC_HEIF_MAX_EXTENTS) return fail(st, WC_IMG_UNSUPPORTED, "an image in 0 or too many extents");
  if (loc->method != 0 && loc->method != 1) return fail(st, WC_IMG_UNSUPPORTED, "item offsets (iloc construction method 2)");
  if (loc->method == 1 && !m->have_idat) return fail(st, WC_IMG_MALFORMED, "iloc refers to an idat box that is absent");
  img->next = (int)loc->n;
  img->size = 0;
  img->end = 0;
  for (uint32_t e = 0; e < loc->n; e++) {
    uint64_t o = loc->base + loc->off[e], l = loc->len[e];
    if (o < loc->base) return fail(st, WC_IMG_MALFORMED, "extent offset overflow");
    if (loc->method == 1) {
      if (o > m->idat_len) return fail(st, WC_IMG_MALFORMED, "an extent outside idat");
      if (l == 0) l = m->idat_len - o;
      if (l > m->idat_len - o) return fail(st, WC_IMG_MALFORMED, "an extent outside idat");
      o += m->idat_off;
    } else if (l == 0) {
      return fail(st, WC_IMG_UNSUPPORTED, "an extent of unspecified length");
    }
    if (o + l < o || img->size + l < img->size || img->size + l > (1ull << 31))
      return fail(st, WC_IMG_MALFORMED, "item data too large");
    img->ext_off[e] = o;
    img->ext_len[e] = l;
    img->size += l;
    if (o + l > img->end) img->end = o + l;
  }
  return WC_IMG_OK;
}

static int parse_meta(wc_heif *st, const uint8_t *d, const box *mb) {
  meta m;
  const infe *primary;
  int r;
  memset(&m, 0, sizeof m);
  if (mb->end - mb->body < 4) return fail(st, WC_IMG_MALFORMED, "meta box too short");
  if (parse_meta_boxes(&m, d, mb->body + 4, mb->end) < 0) {
    meta_free(&m);
    return fail(st, WC_IMG_MALFORMED, "malformed boxes in meta");
  }
  if (!m.have_pitm || !(primary = find_item(&m, m.primary))) {
    meta_free(&m);
    return fail(st, WC_IMG_MALFORMED, "no primary item (pitm)");
  }
  st->orientation = (wc_orientation){0, 0};
  if ((r = load_image(st, &m, d, m.primary, &st->color, 1)) < 0) {
    meta_free(&m);
    return r;
  }
  for (uint32_t i = 0; i < m.nrefs; i++) {
    const ref *rf = &m.refs[i];
    if (rf->type == T('a', 'u', 'x', 'l') && rf->to == m.primary && !st->has_alpha && is_alpha_aux(&m, d, rf->from)) {
      if ((r = load_image(st, &m, d, rf->from, &st->alpha, 0)) < 0) {
        meta_free(&m);
        return r;
      }
      if (st->alpha.width != st->color.width || st->alpha.height != st->color.height) {
        meta_free(&m);
        return fail(st, WC_IMG_UNSUPPORTED, "an alpha plane of another size than the image");
      }
      st->has_alpha = 1;
    }
  }
  for (uint32_t i = 0; i < m.nrefs; i++)
    if (m.refs[i].type == T('p', 'r', 'e', 'm') && m.refs[i].from == m.primary && st->has_alpha &&
        m.refs[i].to == st->alpha.item_id)
      st->alpha_premultiplied = 1;
  meta_free(&m);
  return WC_IMG_OK;
}

int wc_heif_scan(wc_heif *st, const uint8_t *data, size_t len) {
  while (st->state < 2) {
    box b;
    int r = box_at(data, st->pos, UINT64_MAX / 2, len, &b);
    if (r == 1) return WC_IMG_OK;
    if (r < 0) return fail(st, WC_IMG_MALFORMED, "a malformed top-level box");
    if (st->state == 0) {
      int avif = 0;
      if (b.type != T('f', 't', 'y', 'p')) return fail(st, WC_IMG_MALFORMED, "not an AVIF file (no ftyp box)");
      if (b.end - b.body < 8 || b.end - b.body > 4096) return fail(st, WC_IMG_MALFORMED, "invalid ftyp box");
      if (len < b.end) return WC_IMG_OK;
      for (uint64_t q = b.body; q + 4 <= b.end; q += 4) {
        uint32_t brand = wc_rd32be(data + q);
        if (q == b.body + 4) continue; /* minor version */
        if (brand == T('a', 'v', 'i', 'f') || brand == T('a', 'v', 'i', 's') || brand == T('m', 'i', 'f', '1') ||
            brand == T('m', 'i', 'a', 'f'))
          avif = 1;
        if (brand == T('a', 'v', 'i', 's') && q == b.body) st->is_sequence = 1;
      }
      if (!avif) return fail(st, WC_IMG_MALFORMED, "not an AVIF file (ftyp has no avif/mif1 brand)");
      st->pos = b.end;
      st->state = 1;
      continue;
    }
    if (b.type == T('m', 'e', 't', 'a')) {
      if (b.end - b.start > (64u << 20)) return fail(st, WC_IMG_UNSUPPORTED, "a meta box over 64 MiB");
      if (len < b.end) return WC_IMG_OK;
      if ((r = parse_meta(st, data, &b)) < 0) return r;
      st->pos = b.end;
      st->state = 2;
      break;
    }
    if (b.end == UINT64_MAX / 2) {
      /* a box running to the end of the file, before any meta */
      return fail(st, st->is_sequence ? WC_IMG_UNSUPPORTED : WC_IMG_MALFORMED,
                  st->is_sequence ? "image sequences without a still image are not supported" : "no meta box");
    }
    st->pos = b.end; /* skipped by its header: mdat before meta need not be read */
  }
  return WC_IMG_OK;
}

int wc_heif_tracks_known(const wc_heif *st) { return st->state == 2; }

int wc_heif_frame_complete(const wc_heif *st, size_t len) {
  if (st->state != 2) return 0;
  return st->color.end <= len && (!st->has_alpha || st->alpha.end <= len);
}

void wc_heif_copy_data(const wc_heif_image *img, const uint8_t *data, uint8_t *out) {
  for (int e = 0; e < img->next; e++) {
    memcpy(out, data + img->ext_off[e], (size_t)img->ext_len[e]);
    out += img->ext_len[e];
  }
}
