/*
 * image_heif.h - AVIF (HEIF with AV1) box parser (pure C, incremental, fuzzed).
 *
 * FFmpeg 5.1 has no AVIF demuxer (its mov demuxer learnt HEIF items in 6.x, and this
 * addon links no libavformat), so the boxes an AVIF needs are read here: ftyp,
 * meta with hdlr, pitm, iloc (construction methods 0 and 1), iinf/infe, iref (auxl,
 * prem, dimg), iprp/ipco/ipma with av1C, ispe, colr (nclx, ICC located), pixi, irot,
 * imir and auxC; 'grid' derived items (ImageGrid: rows, columns, output size) over AV1
 * tiles; and an image sequence's moov (mvhd, trak: tkhd, tref auxl/prem, edts/elst,
 * mdia: mdhd, hdlr, minf/stbl: stsd 'av01' with av1C/colr/auxi, stts, stsc, stsz,
 * stco/co64, stss). The result is the primary item's AV1 data (and its alpha auxiliary
 * item's, if any; a grid's per tile) as extents of the file, its av1C record, size,
 * colour and orientation; and the sequence's samples with their timing, and its
 * repetition count from the edit list (AVIF 1.1: elst flags bit 0 set = repeat, the
 * track header's duration over the edit's segment duration = plays, all ones =
 * forever; no edit list = forever, as Chrome plays such files).
 *
 * Incremental: top-level boxes are skipped by their headers as data arrives; meta and
 * moov are parsed once each has arrived whole; a frame is complete once every extent
 * (sample) it needs has.
 */
#ifndef WC_IMAGE_HEIF_H
#define WC_IMAGE_HEIF_H

#include <stddef.h>
#include <stdint.h>

#include "wc/formats/image_common.h"

#define WC_HEIF_MAX_EXTENTS 64
#define WC_HEIF_MAX_AV1C 512
/* Tiles of one grid image: 32x32 tiles of 512 pixels cover the 16384-pixel side limit. */
#define WC_HEIF_MAX_TILES 1024

/* Colour properties (colr) of an image item or a sequence's sample entry. */
typedef struct wc_heif_colr {
  int has_nclx, primaries, transfer, matrix, full_range;
  int has_icc;
  uint64_t icc_off, icc_len; /* the ICC profile (colr 'prof'/'rICC') within the file */
} wc_heif_colr;

typedef struct wc_heif_image {
  uint32_t item_id;
  uint64_t ext_off[WC_HEIF_MAX_EXTENTS], ext_len[WC_HEIF_MAX_EXTENTS];
  int next;
  uint64_t size;            /* sum of the extents */
  uint64_t end;             /* the furthest byte an extent needs (a grid: any tile's) */
  uint8_t av1c[WC_HEIF_MAX_AV1C]; /* a grid: its first tile's (every tile's must equal it) */
  int av1c_len;
  uint32_t width, height;   /* ispe (a grid: its output size, which ispe must equal) */
  int depth;                /* pixi (0 if absent) */
  /* a 'grid' derived image: rows x cols tiles (row by row, from its dimg references), each an AV1 item
   * of tile_w x tile_h pixels; the output is the top left width x height of the tiled canvas */
  uint32_t rows, cols, ntiles, tile_w, tile_h;
  struct wc_heif_image *tiles; /* owned (wc_heif_free) */
} wc_heif_image;

/* One sample of an image sequence track. */
typedef struct wc_heif_sample {
  uint64_t off;
  uint32_t size;
  int sync;                 /* stss (every sample when absent) */
  int64_t ts_us, dur_us;    /* from stts, in microseconds */
} wc_heif_sample;

/* An image sequence track (moov/trak with an 'av01' sample entry). */
typedef struct wc_heif_track {
  uint32_t id;
  uint32_t handler;         /* 'pict' (or 'auxv' for an alpha track) */
  uint32_t auxl_to, prem_to; /* tref targets (0: none) */
  int alpha_urn;            /* the sample entry's auxi names the alpha URN */
  uint32_t width, height;   /* the sample entry's */
  uint8_t av1c[WC_HEIF_MAX_AV1C];
  int av1c_len;
  wc_heif_colr colr;
  uint32_t nsamples;
  wc_heif_sample *samples;  /* owned */
  uint64_t end;             /* the furthest byte a sample needs */
  double repetition;        /* repetitions after the first play; INFINITY: forever */
} wc_heif_track;

typedef struct wc_heif {
  uint64_t pos;             /* next top-level box */
  int state;                /* 0: ftyp expected, 1: top-level boxes, 2: tracks known */
  int is_sequence;          /* the major brand is 'avis': the sequence is the primary track */
  int expect_moov;          /* an 'avis'/'msf1' brand: establishing tracks waits for moov */
  int have_meta, have_moov;
  int has_still;            /* the primary item */
  wc_heif_image color, alpha;
  int has_alpha;
  int alpha_premultiplied;
  wc_heif_colr colr;        /* the primary item's */
  wc_orientation orientation;
  int has_seq;              /* an image sequence track */
  wc_heif_track seq, seq_alpha;
  int seq_has_alpha, seq_premultiplied;
  char err[160];
} wc_heif;

int wc_heif_scan(wc_heif *st, const uint8_t *data, size_t len);
/* The data is complete: a file whose moov never came has its still only; neither meta nor moov is an error. */
int wc_heif_finish(wc_heif *st);
void wc_heif_free(wc_heif *st);
int wc_heif_tracks_known(const wc_heif *st);
/* All the primary item's (and alpha's, and every tile's) extents have arrived. */
int wc_heif_frame_complete(const wc_heif *st, size_t len);
/* Sample i of the sequence (and of its alpha track) has arrived. */
static inline int wc_heif_sample_complete(const wc_heif *st, uint32_t i, size_t len) {
  if (st->state != 2 || !st->has_seq || i >= st->seq.nsamples) return 0;
  if (st->seq.samples[i].off + st->seq.samples[i].size > len) return 0;
  return !st->seq_has_alpha || st->seq_alpha.samples[i].off + st->seq_alpha.samples[i].size <= len;
}
/* Concatenates an image's extents into out (img->size bytes). */
void wc_heif_copy_data(const wc_heif_image *img, const uint8_t *data, uint8_t *out);

#endif
