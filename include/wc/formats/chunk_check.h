/*
 * chunk_check.h - cheap structural checks of an EncodedVideoChunk's bytes
 * before they reach libavcodec, so that a chunk that cannot be decoded is an
 * EncodingError instead of something FFmpeg skips (or conceals) in silence.
 *
 * Checked: the framing every valid chunk has, never the coded data itself.
 *   H.264 / HEVC  Annex B: starts with a start code, no 00 00 02 in the byte
 *                 stream; length-prefixed (avcC/hvcC description): the lengths
 *                 tile the chunk exactly. Each NAL unit header: forbidden_zero_bit
 *                 0, nal_unit_type not reserved, the header constraints on
 *                 nal_ref_idc (H.264) and TemporalId (HEVC); at least one slice
 *                 of the base layer.
 *   VP8           frame tag: version 0-3, a first partition that is not empty and
 *                 fits; key frames: start code 9d 01 2a and a non-zero size.
 *   VP9           superframe index (when the last byte is a marker that the first
 *                 index byte repeats): frame sizes non-zero and within the chunk;
 *                 each frame: frame_marker 2, reserved_zero bit of profile 3, sync
 *                 code 49 83 42 on key and intra-only frames.
 *   AV1           OBUs (low-overhead format): forbidden bit 0, type not reserved,
 *                 obu_size within the chunk; at least one frame (header) OBU.
 * Reserved NAL/OBU types are refused although the specifications tell decoders
 * to ignore them: no published extension uses them in these codecs' streams, and
 * a chunk made of them is almost always damage.
 *
 * Pure C, every read bounded by len; fuzzed (test/fuzz/fuzz_bitstream.c).
 */
#ifndef WC_CHUNK_CHECK_H
#define WC_CHUNK_CHECK_H

#include <stddef.h>
#include <stdint.h>

typedef struct wc_chunk_facts {
  int shows;   /* the chunk holds a picture to be output (a shown or shown-existing frame, a slice) */
  int idr;     /* H.264: an IDR slice; HEVC: an IRAP slice; VP8/VP9/AV1: a key frame */
  /* AV1 state carried from chunk to chunk (in and out): the last sequence header's
   * reduced_still_picture_header (-1: none seen yet). */
  int av1_reduced_still;
} wc_chunk_facts;

/*
 * codec_kind: enum wc_codec_kind. nal_length_size: 1, 2 or 4 for length-prefixed
 * H.264/HEVC (from the description), 0 for Annex B (ignored for the others).
 * Returns 0 with *facts filled, or -1 with a reason in why (the chunk cannot be
 * decoded). facts->av1_reduced_still must be initialised by the caller (-1).
 */
int wc_chunk_check(int codec_kind, int nal_length_size, const uint8_t *data, size_t len, wc_chunk_facts *facts,
                   char *why, size_t whylen);

/* lengthSizeMinusOne + 1 from an avcC (H.264) or hvcC (HEVC) description; 0 without one. */
int wc_nal_length_size(int codec_kind, const uint8_t *desc, size_t len);

#endif
