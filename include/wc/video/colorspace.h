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

/* Names of the WebIDL enum values by index (NULL past the end), for lib/'s tables. */
const char *wc_primaries_name(int index);
const char *wc_transfer_name(int index);
const char *wc_matrix_name(int index);

#endif
