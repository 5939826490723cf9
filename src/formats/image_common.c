/*
 * image_common.c - size limits, orientation arithmetic and the EXIF Orientation
 * reader shared by the image container parsers; see include/wc/formats/image_common.h.
 */
#include "wc/formats/image_common.h"

#include <stdio.h>

int wc_image_check_size(uint64_t w, uint64_t h, char *err, size_t errlen) {
  if (w == 0 || h == 0) {
    snprintf(err, errlen, "the image declares a size of %llux%llu", (unsigned long long)w, (unsigned long long)h);
    return -1;
  }
  if (w > WC_IMAGE_MAX_SIDE || h > WC_IMAGE_MAX_SIDE || w * h > WC_IMAGE_MAX_PIXELS) {
    snprintf(err, errlen, "the image declares %llux%llu pixels, more than the %ux%u this decoder allows",
             (unsigned long long)w, (unsigned long long)h, WC_IMAGE_MAX_SIDE, WC_IMAGE_MAX_SIDE);
    return -1;
  }
  return 0;
}

wc_orientation wc_orientation_from_exif(int v) {
  /* EXIF 2.3 Orientation: where row 0 / column 0 of the stored picture are shown. As "rotate
   * clockwise, then mirror": 2 mirror; 3 180; 4 180 + mirror; 5 90 + mirror; 6 90; 7 270 + mirror; 8 270. */
  static const wc_orientation t[9] = {{0, 0}, {0, 0}, {0, 1}, {180, 0}, {180, 1}, {90, 1}, {90, 0}, {270, 1}, {270, 0}};
  if (v < 1 || v > 8) v = 1;
  return t[v];
}

wc_orientation wc_orientation_rotate(wc_orientation o, int deg) {
  /* A rotation after a mirror turns the other way in the mirrored picture's terms. */
  int r = o.flip ? o.rotation - deg : o.rotation + deg;
  r %= 360;
  if (r < 0) r += 360;
  o.rotation = r;
  return o;
}

wc_orientation wc_orientation_mirror(wc_orientation o, int top_bottom) {
  o.flip = !o.flip;
  if (top_bottom) {
    /* top-bottom mirror = left-right mirror, then 180 degrees */
    o.rotation = (o.rotation + 180) % 360;
  }
  return o;
}

int wc_exif_orientation(const uint8_t *p, size_t len) {
  int le;
  uint32_t ifd, n;
  if (!p || len < 8) return 0;
  if (p[0] == 'I' && p[1] == 'I' && p[2] == 42 && p[3] == 0)
    le = 1;
  else if (p[0] == 'M' && p[1] == 'M' && p[2] == 0 && p[3] == 42)
    le = 0;
  else
    return 0;
  ifd = le ? wc_rd32le(p + 4) : wc_rd32be(p + 4);
  if (ifd > len || len - ifd < 2) return 0;
  n = le ? wc_rd16le(p + ifd) : wc_rd16be(p + ifd);
  for (uint32_t i = 0; i < n; i++) {
    size_t e = (size_t)ifd + 2 + (size_t)i * 12;
    uint32_t tag, type, count, v;
    if (e > len || len - e < 12) return 0;
    tag = le ? wc_rd16le(p + e) : wc_rd16be(p + e);
    if (tag != 0x0112) continue;
    type = le ? wc_rd16le(p + e + 2) : wc_rd16be(p + e + 2);
    count = le ? wc_rd32le(p + e + 4) : wc_rd32be(p + e + 4);
    if (type != 3 || count < 1) return 0; /* SHORT */
    v = le ? wc_rd16le(p + e + 8) : wc_rd16be(p + e + 8);
    return v >= 1 && v <= 8 ? (int)v : 0;
  }
  return 0;
}
