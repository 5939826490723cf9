/*
 * colorspace.c - see include/wc/video/colorspace.h. Pure tables; any thread.
 */
#include "wc/video/colorspace.h"

#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>

/* Order = the WebIDL enums; lib/ receives these tables so both sides agree. */
static const char *const primaries_names[] = {"bt709", "bt470bg", "smpte170m", "bt2020", "smpte432"};
static const int primaries_av[] = {AVCOL_PRI_BT709, AVCOL_PRI_BT470BG, AVCOL_PRI_SMPTE170M, AVCOL_PRI_BT2020,
                                   AVCOL_PRI_SMPTE432};
static const char *const transfer_names[] = {"bt709", "smpte170m", "iec61966-2-1", "linear", "pq", "hlg"};
static const int transfer_av[] = {AVCOL_TRC_BT709,  AVCOL_TRC_SMPTE170M, AVCOL_TRC_IEC61966_2_1,
                                  AVCOL_TRC_LINEAR, AVCOL_TRC_SMPTE2084, AVCOL_TRC_ARIB_STD_B67};
static const char *const matrix_names[] = {"rgb", "bt709", "bt470bg", "smpte170m", "bt2020-ncl"};
static const int matrix_av[] = {AVCOL_SPC_RGB, AVCOL_SPC_BT709, AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M,
                                AVCOL_SPC_BT2020_NCL};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int index_of(const int *tab, int n, int v) {
  for (int i = 0; i < n; i++)
    if (tab[i] == v) return i;
  return -1;
}

int wc_primaries_index(int v) { return index_of(primaries_av, N(primaries_av), v); }
int wc_transfer_index(int v) { return index_of(transfer_av, N(transfer_av), v); }
int wc_matrix_index(int v) { return index_of(matrix_av, N(matrix_av), v); }
int wc_primaries_av(int i) { return i >= 0 && i < N(primaries_av) ? primaries_av[i] : AVCOL_PRI_UNSPECIFIED; }
int wc_transfer_av(int i) { return i >= 0 && i < N(transfer_av) ? transfer_av[i] : AVCOL_TRC_UNSPECIFIED; }
int wc_matrix_av(int i) { return i >= 0 && i < N(matrix_av) ? matrix_av[i] : AVCOL_SPC_UNSPECIFIED; }

int wc_sws_colorspace(int m, int height) {
  switch (m) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  }
}

void wc_vp9_color_fill(int *primaries, int *transfer, int *matrix, int depth) {
  if (*primaries != AVCOL_PRI_UNSPECIFIED || *transfer != AVCOL_TRC_UNSPECIFIED) return;
  switch (*matrix) {
    case AVCOL_SPC_BT470BG: /* CS_BT_601 */
    case AVCOL_SPC_SMPTE170M:
      *primaries = AVCOL_PRI_SMPTE170M;
      *transfer = AVCOL_TRC_SMPTE170M;
      *matrix = AVCOL_SPC_SMPTE170M;
      break;
    case AVCOL_SPC_BT709:
      *primaries = AVCOL_PRI_BT709;
      *transfer = AVCOL_TRC_BT709;
      break;
    case AVCOL_SPC_SMPTE240M:
      *primaries = AVCOL_PRI_SMPTE240M;
      *transfer = AVCOL_TRC_SMPTE240M;
      break;
    case AVCOL_SPC_BT2020_NCL:
      *primaries = AVCOL_PRI_BT2020;
      *transfer = depth >= 12 ? AVCOL_TRC_BT2020_12 : depth >= 10 ? AVCOL_TRC_BT2020_10 : AVCOL_TRC_BT709;
      break;
    case AVCOL_SPC_RGB: /* CS_RGB: sRGB */
      *primaries = AVCOL_PRI_BT709;
      *transfer = AVCOL_TRC_IEC61966_2_1;
      break;
    default: break;
  }
}

const char *wc_primaries_name(int i) { return i >= 0 && i < N(primaries_names) ? primaries_names[i] : NULL; }
const char *wc_transfer_name(int i) { return i >= 0 && i < N(transfer_names) ? transfer_names[i] : NULL; }
const char *wc_matrix_name(int i) { return i >= 0 && i < N(matrix_names) ? matrix_names[i] : NULL; }
