/*
 * image_heif.c - AVIF box parser; see include/wc/formats/image_heif.h.
 * Box layouts: ISO/IEC 14496-12 (ISOBMFF), ISO/IEC 23008-12 (HEIF), AV1-ISOBMFF and
 * the AVIF specification. Every read is checked against the box it belongs to.
 */
#define _POSIX_C_SOURCE 200809L
#include "wc/formats/image_heif.h"

#include <math.h>
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

/* colr: nclx (the first one counts) or an ICC profile (located). */
static void parse_colr(cur *c, wc_heif_colr *o) {
  uint32_t kind = (uint32_t)rd(c, 4);
  if (c->bad) return;
  if (kind == T('n', 'c', 'l', 'x') && !o->has_nclx) {
    int p = (int)rd(c, 2), t = (int)rd(c, 2), m = (int)rd(c, 2), fr = (int)(rd(c, 1) >> 7);
    if (c->bad) return;
    o->primaries = p, o->transfer = t, o->matrix = m, o->full_range = fr, o->has_nclx = 1;
  } else if ((kind == T('r', 'I', 'C', 'C') || kind == T('p', 'r', 'o', 'f')) && !o->has_icc) {
    o->has_icc = 1;
    o->icc_off = c->p;
    o->icc_len = c->end - c->p;
  }
}

static int is_known_prop(uint32_t t) {
  return t == T('a', 'v', '1', 'C') || t == T('i', 's', 'p', 'e') || t == T('c', 'o', 'l', 'r') || t == T('p', 'i', 'x', 'i') ||
         t == T('i', 'r', 'o', 't') || t == T('i', 'm', 'i', 'r') || t == T('a', 'u', 'x', 'C') || t == T('p', 'a', 's', 'p') ||
         t == T('a', '1', 'o', 'p') || t == T('l', 's', 'e', 'l');
}

/* The extents of item id (iloc), resolved to file offsets, into img. */
static int locate(wc_heif *st, const meta *m, uint32_t id, wc_heif_image *img) {
  const iloc_item *loc = NULL;
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

#define NEED_DATA 1 /* load_image: a grid's description has not arrived yet */

/* Fills img from item id's properties and location; a grid, with its tiles (depth 0: not a tile). */
static int load_image(wc_heif *st, const meta *m, const uint8_t *d, size_t len, uint32_t id, wc_heif_image *img, int primary,
                      int depth) {
  const infe *it = find_item(m, id);
  const prop *p;
  int r;
  if (!it) return fail(st, WC_IMG_MALFORMED, "an item without an infe entry");
  if (it->type == T('g', 'r', 'i', 'd') && depth > 0) return fail(st, WC_IMG_UNSUPPORTED, "a grid of grids");
  if (it->type != T('a', 'v', '0', '1') && it->type != T('g', 'r', 'i', 'd'))
    return fail(st, WC_IMG_UNSUPPORTED, "the image item is not AV1 ('av01')");
  img->item_id = id;
  /* every property the item depends on must be one we know */
  for (uint32_t i = 0; i < m->nassocs; i++) {
    const assoc *a = &m->assocs[i];
    uint32_t t;
    if (a->item != id) continue;
    if (a->index == 0 || a->index > m->nprops) return fail(st, WC_IMG_MALFORMED, "ipma names a property that does not exist");
    t = m->props[a->index - 1].type;
    if (a->essential && !is_known_prop(t))
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
        parse_colr(&c, &st->colr);
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
  if ((p = item_prop(m, id, T('p', 'i', 'x', 'i')))) {
    cur c = {d, p->body, p->end, 0};
    rd(&c, 4);
    if (rd(&c, 1) >= 1) img->depth = (int)rd(&c, 1);
  }
  if ((r = locate(st, m, id, img)) < 0) return r;
  if (it->type == T('g', 'r', 'i', 'd')) {
    /* ImageGrid (ISO/IEC 23008-12 6.6.2.3): version, flags (bit 0: 32-bit sizes), rows - 1, columns - 1,
     * output width, output height; the tiles are the dimg references of the grid, row by row */
    uint8_t g[12];
    uint64_t n = 0, want;
    uint32_t k = 0, out_w, out_h;
    if (img->end > len) return NEED_DATA;
    for (int e = 0; e < img->next && n < sizeof g; e++)
      for (uint64_t q = 0; q < img->ext_len[e] && n < sizeof g; q++) g[n++] = d[img->ext_off[e] + q];
    if (n < 8 || g[0] != 0) return fail(st, WC_IMG_MALFORMED, "a malformed ImageGrid");
    want = (g[1] & 1) ? 12 : 8;
    if (n < want) return fail(st, WC_IMG_MALFORMED, "a malformed ImageGrid");
    img->rows = (uint32_t)g[2] + 1;
    img->cols = (uint32_t)g[3] + 1;
    out_w = (g[1] & 1) ? wc_rd32be(g + 4) : wc_rd16be(g + 4);
    out_h = (g[1] & 1) ? wc_rd32be(g + 8) : wc_rd16be(g + 6);
    if (out_w != img->width || out_h != img->height)
      return fail(st, WC_IMG_MALFORMED, "the grid's output size is not its ispe");
    img->ntiles = img->rows * img->cols;
    if (img->ntiles > WC_HEIF_MAX_TILES) return fail(st, WC_IMG_UNSUPPORTED, "a grid of more than 1024 tiles");
    if (!(img->tiles = calloc(img->ntiles, sizeof(*img->tiles)))) return fail(st, WC_IMG_MALFORMED, "out of memory");
    for (uint32_t i = 0; i < m->nrefs && k <= img->ntiles; i++) {
      if (m->refs[i].type != T('d', 'i', 'm', 'g') || m->refs[i].from != id) continue;
      if (k == img->ntiles) {
        k++;
        break;
      }
      if ((r = load_image(st, m, d, len, m->refs[i].to, &img->tiles[k], 0, depth + 1)) != WC_IMG_OK) return r;
      k++;
    }
    if (k != img->ntiles) return fail(st, WC_IMG_MALFORMED, "a grid whose dimg references are not rows x columns tiles");
    img->tile_w = img->tiles[0].width;
    img->tile_h = img->tiles[0].height;
    img->av1c_len = img->tiles[0].av1c_len;
    memcpy(img->av1c, img->tiles[0].av1c, (size_t)img->av1c_len);
    img->size = 0;
    for (uint32_t t = 0; t < img->ntiles; t++) {
      const wc_heif_image *tl = &img->tiles[t];
      if (tl->width != img->tile_w || tl->height != img->tile_h) return fail(st, WC_IMG_MALFORMED, "grid tiles of different sizes");
      if (tl->av1c_len != img->av1c_len || memcmp(tl->av1c, img->av1c, (size_t)img->av1c_len) != 0)
        return fail(st, WC_IMG_UNSUPPORTED, "grid tiles with different AV1 configurations");
      if (tl->end > img->end) img->end = tl->end;
      if (tl->size > img->size) img->size = tl->size; /* the largest tile: the decode buffer */
    }
    /* HEIF 6.6.2.3: the tiles cover the output, and no column or row of tiles lies wholly outside it */
    if ((uint64_t)img->tile_w * img->cols < img->width || (uint64_t)img->tile_h * img->rows < img->height ||
        (uint64_t)img->tile_w * (img->cols - 1) >= img->width || (uint64_t)img->tile_h * (img->rows - 1) >= img->height)
      return fail(st, WC_IMG_MALFORMED, "the grid's tiles do not fit its output size");
    return WC_IMG_OK;
  }
  if (!(p = item_prop(m, id, T('a', 'v', '1', 'C')))) return fail(st, WC_IMG_MALFORMED, "an AV1 image without av1C");
  if (p->end - p->body < 4 || p->end - p->body > WC_HEIF_MAX_AV1C) return fail(st, WC_IMG_MALFORMED, "invalid av1C size");
  img->av1c_len = (int)(p->end - p->body);
  memcpy(img->av1c, d + p->body, (size_t)img->av1c_len);
  return WC_IMG_OK;
}

static void image_clear(wc_heif_image *img) {
  if (img->tiles) {
    for (uint32_t i = 0; i < img->ntiles; i++) image_clear(&img->tiles[i]);
    free(img->tiles);
  }
  memset(img, 0, sizeof(*img));
}

static int parse_meta(wc_heif *st, const uint8_t *d, size_t len, const box *mb) {
  meta m;
  const infe *primary;
  int r;
  memset(&m, 0, sizeof m);
  /* a parse that waited for a grid's description starts again from nothing */
  image_clear(&st->color);
  image_clear(&st->alpha);
  st->has_alpha = st->alpha_premultiplied = 0;
  memset(&st->colr, 0, sizeof st->colr);
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
  if ((r = load_image(st, &m, d, len, m.primary, &st->color, 1, 0)) != WC_IMG_OK) {
    meta_free(&m);
    return r;
  }
  for (uint32_t i = 0; i < m.nrefs; i++) {
    const ref *rf = &m.refs[i];
    if (rf->type == T('a', 'u', 'x', 'l') && rf->to == m.primary && !st->has_alpha && is_alpha_aux(&m, d, rf->from)) {
      if ((r = load_image(st, &m, d, len, rf->from, &st->alpha, 0, 0)) != WC_IMG_OK) {
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
  st->has_still = 1;
  return WC_IMG_OK;
}

/* ---------------------------------------------------------------- image sequences (moov) */

/* Microseconds of t units of a timescale, rounded down, without overflow. */
static int64_t to_us(uint64_t t, uint32_t timescale) {
  uint64_t whole = t / timescale, rest = t % timescale;
  if (whole > (uint64_t)INT64_MAX / 1000000) return INT64_MAX;
  return (int64_t)(whole * 1000000 + rest * 1000000 / timescale);
}

typedef struct stbl_boxes {
  box stts, stsc, stsz, stco, stss, stsd;
  int have_stts, have_stsc, have_stsz, have_stco, co64, have_stss, have_stsd;
} stbl_boxes;

typedef struct trak_info {
  wc_heif_track t;
  uint64_t tkhd_duration;
  int tkhd_indefinite;
  int have_elst, elst_repeat;
  uint64_t segment_duration;
  uint32_t timescale;
  stbl_boxes sb;
  int have_hdlr, have_mdhd;
} trak_info;

/* Finds the children of [p, end) that matter, recursing into the containers on the path to stbl. */
static int trak_boxes(trak_info *ti, const uint8_t *d, uint64_t p, uint64_t end) {
  while (p < end) {
    box b;
    cur c;
    if (box_at(d, p, end, end, &b) != 0) return -1;
    c = (cur){d, b.body, b.end, 0};
    switch (b.type) {
      case T('m', 'd', 'i', 'a'): case T('m', 'i', 'n', 'f'): case T('s', 't', 'b', 'l'): case T('e', 'd', 't', 's'):
        if (trak_boxes(ti, d, b.body, b.end) < 0) return -1;
        break;
      case T('t', 'k', 'h', 'd'): {
        int v = (int)rd(&c, 1);
        rd(&c, 3);
        rd(&c, v == 1 ? 16 : 8); /* creation, modification */
        ti->t.id = (uint32_t)rd(&c, 4);
        rd(&c, 4);
        ti->tkhd_duration = rd(&c, v == 1 ? 8 : 4);
        if (c.bad) return -1;
        ti->tkhd_indefinite = v == 1 ? ti->tkhd_duration == UINT64_MAX : ti->tkhd_duration == 0xffffffffu;
        break;
      }
      case T('t', 'r', 'e', 'f'): {
        uint64_t q = b.body;
        while (q < b.end) {
          box rb;
          cur rc;
          if (box_at(d, q, b.end, b.end, &rb) != 0) return -1;
          rc = (cur){d, rb.body, rb.end, 0};
          if (rb.type == T('a', 'u', 'x', 'l') && !ti->t.auxl_to) ti->t.auxl_to = (uint32_t)rd(&rc, 4);
          if (rb.type == T('p', 'r', 'e', 'm') && !ti->t.prem_to) ti->t.prem_to = (uint32_t)rd(&rc, 4);
          q = rb.end;
        }
        break;
      }
      case T('e', 'l', 's', 't'): {
        int v = (int)rd(&c, 1);
        uint32_t flags = (uint32_t)rd(&c, 3), n = (uint32_t)rd(&c, 4);
        if (c.bad) return -1;
        ti->have_elst = 1;
        ti->elst_repeat = flags & 1;
        if (n >= 1) ti->segment_duration = rd(&c, v == 1 ? 8 : 4); /* AVIF: one entry; the first one counts */
        if (c.bad) return -1;
        break;
      }
      case T('m', 'd', 'h', 'd'): {
        int v = (int)rd(&c, 1);
        rd(&c, 3);
        rd(&c, v == 1 ? 16 : 8);
        ti->timescale = (uint32_t)rd(&c, 4);
        if (c.bad) return -1;
        ti->have_mdhd = 1;
        break;
      }
      case T('h', 'd', 'l', 'r'):
        rd(&c, 8);
        ti->t.handler = (uint32_t)rd(&c, 4);
        if (c.bad) return -1;
        ti->have_hdlr = 1;
        break;
      case T('s', 't', 's', 'd'): ti->sb.stsd = b, ti->sb.have_stsd = 1; break;
      case T('s', 't', 't', 's'): ti->sb.stts = b, ti->sb.have_stts = 1; break;
      case T('s', 't', 's', 'c'): ti->sb.stsc = b, ti->sb.have_stsc = 1; break;
      case T('s', 't', 's', 'z'): ti->sb.stsz = b, ti->sb.have_stsz = 1; break;
      case T('s', 't', 'c', 'o'): ti->sb.stco = b, ti->sb.have_stco = 1, ti->sb.co64 = 0; break;
      case T('c', 'o', '6', '4'): ti->sb.stco = b, ti->sb.have_stco = 1, ti->sb.co64 = 1; break;
      case T('s', 't', 's', 's'): ti->sb.stss = b, ti->sb.have_stss = 1; break;
      default: break;
    }
    p = b.end;
  }
  return 0;
}

/* The sample entry: one 'av01' (VisualSampleEntry: 78 bytes, then av1C, colr, auxi...). 1: not AV1 (the track is skipped). */
static int sample_entry(wc_heif *st, trak_info *ti, const uint8_t *d) {
  cur c = {d, ti->sb.stsd.body, ti->sb.stsd.end, 0};
  box e;
  uint64_t q;
  int have_av1c = 0;
  rd(&c, 4);
  if (rd(&c, 4) != 1 || c.bad) return 1; /* more than one sample description: not an AVIF sequence we read */
  if (box_at(d, c.p, c.end, c.end, &e) != 0) return fail(st, WC_IMG_MALFORMED, "a malformed sample description");
  if (e.type != T('a', 'v', '0', '1')) return 1;
  if (e.end - e.body < 78) return fail(st, WC_IMG_MALFORMED, "a short AV1 sample entry");
  ti->t.width = wc_rd16be(d + e.body + 24);
  ti->t.height = wc_rd16be(d + e.body + 26);
  for (q = e.body + 78; q < e.end;) {
    box b;
    cur bc;
    if (box_at(d, q, e.end, e.end, &b) != 0) return fail(st, WC_IMG_MALFORMED, "malformed boxes in the AV1 sample entry");
    bc = (cur){d, b.body, b.end, 0};
    if (b.type == T('a', 'v', '1', 'C') && !have_av1c) {
      if (b.end - b.body < 4 || b.end - b.body > WC_HEIF_MAX_AV1C) return fail(st, WC_IMG_MALFORMED, "invalid av1C size");
      ti->t.av1c_len = (int)(b.end - b.body);
      memcpy(ti->t.av1c, d + b.body, (size_t)ti->t.av1c_len);
      have_av1c = 1;
    } else if (b.type == T('c', 'o', 'l', 'r')) {
      parse_colr(&bc, &ti->t.colr);
    } else if (b.type == T('a', 'u', 'x', 'i')) {
      static const char urn[] = "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";
      if (b.end - b.body >= 4 + sizeof urn - 1 && memcmp(d + b.body + 4, urn, sizeof urn - 1) == 0) ti->t.alpha_urn = 1;
    }
    q = b.end;
  }
  if (!have_av1c) return fail(st, WC_IMG_MALFORMED, "an AV1 sample entry without av1C");
  return 0;
}

/* The sample table: sizes (stsz), offsets (stsc + stco/co64), timing (stts), sync samples (stss). */
static int sample_table(wc_heif *st, trak_info *ti, const uint8_t *d) {
  const stbl_boxes *sb = &ti->sb;
  wc_heif_track *t = &ti->t;
  cur z = {d, sb->stsz.body, sb->stsz.end, 0}, sc = {d, sb->stsc.body, sb->stsc.end, 0}, co = {d, sb->stco.body, sb->stco.end, 0};
  uint32_t fixed, n, nstsc, nchunks, s = 0;
  uint64_t time = 0;
  if (!sb->have_stsz || !sb->have_stsc || !sb->have_stco || !sb->have_stts)
    return fail(st, WC_IMG_MALFORMED, "an image sequence track without a complete sample table");
  if (!ti->have_mdhd || ti->timescale == 0) return fail(st, WC_IMG_MALFORMED, "an image sequence track without a timescale");
  rd(&z, 4);
  fixed = (uint32_t)rd(&z, 4);
  n = (uint32_t)rd(&z, 4);
  if (z.bad) return fail(st, WC_IMG_MALFORMED, "a malformed stsz");
  if (n == 0) return fail(st, WC_IMG_MALFORMED, "an image sequence without samples");
  if (n > WC_IMAGE_MAX_FRAMES) return fail(st, WC_IMG_UNSUPPORTED, "more frames than this decoder reads");
  if (!fixed && (z.end - z.p) / 4 < n) return fail(st, WC_IMG_MALFORMED, "stsz is shorter than its sample count");
  if (!(t->samples = calloc(n, sizeof(*t->samples)))) return fail(st, WC_IMG_MALFORMED, "out of memory");
  t->nsamples = n;
  for (uint32_t i = 0; i < n; i++) {
    t->samples[i].size = fixed ? fixed : (uint32_t)rd(&z, 4);
    t->samples[i].sync = !sb->have_stss;
  }
  /* chunks: stsc runs of (first_chunk, samples_per_chunk), chunk offsets from stco/co64 */
  rd(&sc, 4);
  nstsc = (uint32_t)rd(&sc, 4);
  rd(&co, 4);
  nchunks = (uint32_t)rd(&co, 4);
  if (sc.bad || co.bad || (sc.end - sc.p) / 12 < nstsc || (co.end - co.p) / (sb->co64 ? 8 : 4) < nchunks)
    return fail(st, WC_IMG_MALFORMED, "a malformed stsc or stco");
  for (uint32_t e = 0; e < nstsc && s < n; e++) {
    uint64_t at = sc.p + (uint64_t)e * 12;
    uint32_t first = wc_rd32be(d + at), per = wc_rd32be(d + at + 4);
    uint32_t last = e + 1 < nstsc ? wc_rd32be(d + at + 12) : nchunks + 1; /* chunks [first, last) */
    if (first == 0 || last < first || (e == 0 && first != 1)) return fail(st, WC_IMG_MALFORMED, "a malformed stsc");
    if (last > nchunks + 1) last = nchunks + 1;
    for (uint32_t ch = first; ch < last && s < n; ch++) {
      uint64_t off = sb->co64 ? wc_rd64be(d + co.p + (uint64_t)(ch - 1) * 8) : wc_rd32be(d + co.p + (uint64_t)(ch - 1) * 4);
      for (uint32_t k = 0; k < per && s < n; k++, s++) {
        t->samples[s].off = off;
        if (off + t->samples[s].size < off) return fail(st, WC_IMG_MALFORMED, "a sample past the end of any file");
        off += t->samples[s].size;
        if (off > t->end) t->end = off;
      }
    }
  }
  if (s < n) return fail(st, WC_IMG_MALFORMED, "the chunks hold fewer samples than stsz counts");
  /* timing */
  {
    cur tt = {d, sb->stts.body, sb->stts.end, 0};
    uint32_t runs;
    s = 0;
    rd(&tt, 4);
    runs = (uint32_t)rd(&tt, 4);
    for (uint32_t e = 0; e < runs && s < n && !tt.bad; e++) {
      uint32_t count = (uint32_t)rd(&tt, 4), delta = (uint32_t)rd(&tt, 4);
      if (tt.bad) break;
      for (uint32_t k = 0; k < count && s < n; k++, s++) {
        t->samples[s].ts_us = to_us(time, ti->timescale);
        t->samples[s].dur_us = to_us(delta, ti->timescale);
        time += delta;
      }
    }
    if (tt.bad || s < n) return fail(st, WC_IMG_MALFORMED, "stts times fewer samples than stsz counts");
  }
  if (sb->have_stss) {
    cur ss = {d, sb->stss.body, sb->stss.end, 0};
    uint32_t k;
    rd(&ss, 4);
    k = (uint32_t)rd(&ss, 4);
    for (uint32_t i = 0; i < k && !ss.bad; i++) {
      uint32_t num = (uint32_t)rd(&ss, 4);
      if (!ss.bad && num >= 1 && num <= n) t->samples[num - 1].sync = 1;
    }
    if (ss.bad) return fail(st, WC_IMG_MALFORMED, "a malformed stss");
  }
  /* AVIF 1.1 (7.x "repetition"): an edit list with flags bit 0 set repeats the track; the track header's
   * duration is then the whole presentation (all ones: forever) and each play one segment_duration.
   * Without an edit list the count is unknown: forever, as Chrome plays such files. No repeat flag: 0. */
  if (!ti->have_elst) {
    t->repetition = INFINITY;
  } else if (!ti->elst_repeat) {
    t->repetition = 0;
  } else if (ti->tkhd_indefinite || ti->segment_duration == 0) {
    t->repetition = INFINITY;
  } else {
    uint64_t plays = ti->tkhd_duration / ti->segment_duration + (ti->tkhd_duration % ti->segment_duration ? 1 : 0);
    t->repetition = plays == 0 ? 0 : (double)(plays - 1);
  }
  return 0;
}

static void track_clear(wc_heif_track *t) {
  free(t->samples);
  memset(t, 0, sizeof(*t));
}

#define MAX_TRACKS 8

static int parse_moov(wc_heif *st, const uint8_t *d, const box *mb) {
  trak_info *ti = calloc(MAX_TRACKS, sizeof(*ti));
  int nt = 0, color = -1, alpha = -1, r = 0;
  uint64_t p = mb->body;
  if (!ti) return fail(st, WC_IMG_MALFORMED, "out of memory");
  while (p < mb->end && r == 0) {
    box b;
    if (box_at(d, p, mb->end, mb->end, &b) != 0) {
      r = fail(st, WC_IMG_MALFORMED, "malformed boxes in moov");
      break;
    }
    if (b.type == T('t', 'r', 'a', 'k') && nt < MAX_TRACKS) {
      trak_info *t = &ti[nt];
      int e;
      if (trak_boxes(t, d, b.body, b.end) < 0) {
        r = fail(st, WC_IMG_MALFORMED, "malformed boxes in a track");
        break;
      }
      /* tracks that are not AV1 pictures are skipped */
      if (t->have_hdlr && (t->t.handler == T('p', 'i', 'c', 't') || t->t.handler == T('a', 'u', 'x', 'v')) && t->sb.have_stsd) {
        if ((e = sample_entry(st, t, d)) < 0) {
          r = e;
          break;
        }
        if (e == 0) {
          if ((e = sample_table(st, t, d)) < 0) {
            r = e;
            nt++;
            break;
          }
          nt++;
        }
      }
    }
    p = b.end;
  }
  if (r == 0) {
    for (int i = 0; i < nt && color < 0; i++)
      if (!ti[i].t.auxl_to && ti[i].t.handler == T('p', 'i', 'c', 't')) color = i;
    for (int i = 0; i < nt && color >= 0 && alpha < 0; i++)
      if (i != color && ti[i].t.auxl_to == ti[color].t.id && ti[i].t.alpha_urn) alpha = i;
    if (color >= 0) {
      wc_heif_track *c = &ti[color].t;
      if (wc_image_check_size(c->width, c->height, st->err, sizeof st->err) < 0) {
        r = WC_IMG_MALFORMED;
      } else if (alpha >= 0 && (ti[alpha].t.nsamples != c->nsamples || ti[alpha].t.width != c->width ||
                                ti[alpha].t.height != c->height)) {
        r = fail(st, WC_IMG_UNSUPPORTED, "an alpha track of another size or length than the image sequence");
      } else {
        st->seq = *c;
        memset(c, 0, sizeof(*c)); /* its samples now belong to st */
        st->has_seq = 1;
        if (alpha >= 0) {
          st->seq_alpha = ti[alpha].t;
          memset(&ti[alpha].t, 0, sizeof(ti[alpha].t));
          st->seq_has_alpha = 1;
          st->seq_premultiplied = st->seq.prem_to == st->seq_alpha.id;
        }
      }
    }
  }
  for (int i = 0; i < nt; i++) track_clear(&ti[i].t);
  free(ti);
  return r;
}

/* ---------------------------------------------------------------- scanning */

/* Tracks are known once meta is parsed and, for a file whose brands promise a sequence, moov too. */
static void settle(wc_heif *st) {
  if (st->have_meta && (st->have_moov || !st->expect_moov)) st->state = 2;
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
            brand == T('m', 'i', 'a', 'f') || brand == T('m', 's', 'f', '1'))
          avif = 1;
        if (brand == T('a', 'v', 'i', 's') || brand == T('m', 's', 'f', '1')) st->expect_moov = 1;
        /* HEIF: the major brand says what the file is first of all; 'avis' = the sequence is the primary track */
        if (brand == T('a', 'v', 'i', 's') && q == b.body) st->is_sequence = 1;
      }
      if (!avif) return fail(st, WC_IMG_MALFORMED, "not an AVIF file (ftyp has no avif/mif1 brand)");
      st->pos = b.end;
      st->state = 1;
      continue;
    }
    if (b.type == T('m', 'e', 't', 'a') && !st->have_meta) {
      if (b.end - b.start > (64u << 20)) return fail(st, WC_IMG_UNSUPPORTED, "a meta box over 64 MiB");
      if (len < b.end) return WC_IMG_OK;
      if ((r = parse_meta(st, data, len, &b)) == NEED_DATA) return WC_IMG_OK; /* again when the grid's bytes are here */
      if (r < 0) return r;
      st->have_meta = 1;
    } else if (b.type == T('m', 'o', 'o', 'v') && !st->have_moov) {
      if (b.end - b.start > (64u << 20)) return fail(st, WC_IMG_UNSUPPORTED, "a moov box over 64 MiB");
      if (len < b.end) return WC_IMG_OK;
      if ((r = parse_moov(st, data, &b)) < 0) return r;
      st->have_moov = 1;
    }
    st->pos = b.end; /* others are skipped by their headers: an mdat before meta need not be read */
    settle(st);
    if (st->state < 2 && b.end == UINT64_MAX / 2) {
      /* a box running to the end of the file: nothing follows it */
      if (!st->have_meta && !st->has_seq) return fail(st, WC_IMG_MALFORMED, "no meta box");
      st->state = 2;
    }
  }
  return WC_IMG_OK;
}

int wc_heif_finish(wc_heif *st) {
  if (st->state == 1 && (st->have_meta || st->has_seq)) st->state = 2;
  return WC_IMG_OK;
}

void wc_heif_free(wc_heif *st) {
  image_clear(&st->color);
  image_clear(&st->alpha);
  track_clear(&st->seq);
  track_clear(&st->seq_alpha);
}

int wc_heif_tracks_known(const wc_heif *st) { return st->state == 2; }

int wc_heif_frame_complete(const wc_heif *st, size_t len) {
  if (st->state != 2 || !st->has_still) return 0;
  return st->color.end <= len && (!st->has_alpha || st->alpha.end <= len);
}

void wc_heif_copy_data(const wc_heif_image *img, const uint8_t *data, uint8_t *out) {
  for (int e = 0; e < img->next; e++) {
    memcpy(out, data + img->ext_off[e], (size_t)img->ext_len[e]);
    out += img->ext_len[e];
  }
}
