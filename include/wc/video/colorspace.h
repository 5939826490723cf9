/*
 * colorspace.h - WebCodecs VideoColorSpace members <-> FFmpeg colour enums
 * (which are the ISO/IEC 23091-2 code points), and the swscale coefficient
 * choices made from them.
 */
#ifndef WC_COLORSPACE_H
#define WC_COLORSPACE_H

/* Index into the WebIDL enum (VideoColorPrimaries etc.), or -1 for null. */
int wc_primaries_index(int av_primaries);
int wc_transfer_index(int av_transfer);
int wc_matrix_index(int av_matrix);
/* Inverse: AV enum for an index (AVCOL_*_UNSPECIFIED for -1). */
int wc_primaries_av(int index);
int wc_transfer_av(int index);
int wc_matrix_av(int index);

/* The SWS_CS_* constant for an AVColorSpace; for unspecified, BT.601 below 720 lines, else BT.709. */
int wc_sws_colorspace(int av_matrix, int height);

/*
 * VP9 signals one color_space field (matrix, and through it primaries and transfer); FFmpeg's VP9
 * decoders set only the matrix from it (AVCOL_SPC_*, RGB for sRGB). Fills in the primaries and transfer
 * as Chrome derives them from the same field, and says BT.601 the way Chrome does (smpte170m for all
 * three): BT.601 / SMPTE 170M -> smpte170m x3, BT.709 -> bt709 x3, SMPTE 240M -> smpte240m x3,
 * BT.2020 -> bt2020 primaries, bt2020-ncl matrix and the BT.709 transfer at 8 bits (BT2020_10/12 at
 * 10/12: the same curve, no VideoTransferCharacteristics value), sRGB -> bt709 primaries, sRGB transfer.
 * Left alone when the decoder already set primaries or transfer, or the matrix is unspecified.
 * In/out: the AVCOL_PRI_*, AVCOL_TRC_*, AVCOL_SPC_* values of a decoded frame of bit depth `depth`.
 */
void wc_vp9_color_fill(int *primaries, int *transfer, int *matrix, int depth);

/* Names of the WebIDL enum values by index (NULL past the end), for lib/'s tables. */
const char *wc_primaries_name(int index);
const char *wc_transfer_name(int index);
const char *wc_matrix_name(int index);

#endif
