/*
 * config_record.c - see include/wc/formats/config_record.h. Every read is bounded by len.
 */
#include "wc/formats/config_record.h"

#include <stdio.h>

#include "wc/formats/codec_string.h"

static int avcc(const uint8_t *d, size_t len, char *why, size_t n) {
  size_t pos = 6;
  int nsps, npps;
  if (len < 7) return snprintf(why, n, "avcC: %zu bytes is too short (at least 7)", len), -1;
  if (d[0] != 1) return snprintf(why, n, "avcC: configurationVersion %u is not 1", d[0]), -1;
  if ((d[4] & 3) == 2) return snprintf(why, n, "avcC: lengthSizeMinusOne 2 (3-byte lengths) is not allowed"), -1;
  nsps = d[5] & 0x1f;
  for (int i = 0; i < nsps; i++) {
    size_t l;
    if (pos + 2 > len) return snprintf(why, n, "avcC: truncated in sequence parameter set %d", i), -1;
    l = (size_t)d[pos] << 8 | d[pos + 1];
    pos += 2;
    if (l == 0 || pos + l > len) return snprintf(why, n, "avcC: sequence parameter set %d overruns the record", i), -1;
    if ((d[pos] & 0x1f) != 7) return snprintf(why, n, "avcC: parameter set %d is not an SPS (NAL type %d)", i, d[pos] & 0x1f), -1;
    pos += l;
  }
  if (pos + 1 > len) return snprintf(why, n, "avcC: missing numOfPictureParameterSets"), -1;
  npps = d[pos++];
  for (int i = 0; i < npps; i++) {
    size_t l;
    if (pos + 2 > len) return snprintf(why, n, "avcC: truncated in picture parameter set %d", i), -1;
    l = (size_t)d[pos] << 8 | d[pos + 1];
    pos += 2;
    if (l == 0 || pos + l > len) return snprintf(why, n, "avcC: picture parameter set %d overruns the record", i), -1;
    if ((d[pos] & 0x1f) != 8) return snprintf(why, n, "avcC: parameter set %d is not a PPS (NAL type %d)", i, d[pos] & 0x1f), -1;
    pos += l;
  }
  return 0;
}

static int hvcc(const uint8_t *d, size_t len, char *why, size_t n) {
  size_t pos = 23;
  int narrays;
  if (len < 23) return snprintf(why, n, "hvcC: %zu bytes is too short (at least 23)", len), -1;
  /* Version 1; some muxers wrote 0 in early files, which decoders accept. */
  if (d[0] > 1) return snprintf(why, n, "hvcC: configurationVersion %u is not 1", d[0]), -1;
  if (d[0] == 0 && d[1] == 0 && (d[2] == 1 || (d[2] == 0 && d[3] == 1)))
    return snprintf(why, n, "hvcC: the description is Annex B, not an HEVCDecoderConfigurationRecord"), -1;
  if ((d[21] & 3) == 2) return snprintf(why, n, "hvcC: lengthSizeMinusOne 2 (3-byte lengths) is not allowed"), -1;
  narrays = d[22];
  for (int a = 0; a < narrays; a++) {
    int nnal;
    if (pos + 3 > len) return snprintf(why, n, "hvcC: truncated in array %d", a), -1;
    nnal = d[pos + 1] << 8 | d[pos + 2];
    pos += 3;
    for (int i = 0; i < nnal; i++) {
      size_t l;
      if (pos + 2 > len) return snprintf(why, n, "hvcC: truncated in array %d, NAL unit %d", a, i), -1;
      l = (size_t)d[pos] << 8 | d[pos + 1];
      pos += 2;
      if (pos + l > len) return snprintf(why, n, "hvcC: array %d, NAL unit %d overruns the record", a, i), -1;
      pos += l;
    }
  }
  return 0;
}

static int av1c(const uint8_t *d, size_t len, char *why, size_t n) {
  if (len < 4) return snprintf(why, n, "av1C: %zu bytes is too short (at least 4)", len), -1;
  if (d[0] != 0x81) return snprintf(why, n, "av1C: marker/version byte 0x%02x is not 0x81", d[0]), -1;
  return 0;
}

int wc_config_record_check(int codec_kind, const uint8_t *data, size_t len, char *why, size_t whylen) {
  if (!data || len == 0) return 0;
  switch (codec_kind) {
    case WC_CODEC_H264: return avcc(data, len, why, whylen);
    case WC_CODEC_HEVC: return hvcc(data, len, why, whylen);
    case WC_CODEC_AV1: return av1c(data, len, why, whylen);
    default: return 0;
  }
}
