/*
 * config_record.h - structural checks of VideoDecoderConfig.description for the
 * codecs whose registrations define one: AVCDecoderConfigurationRecord (avcC,
 * ISO/IEC 14496-15 5.3.3), HEVCDecoderConfigurationRecord (hvcC, 8.3.3) and
 * AV1CodecConfigurationRecord (av1C, AV1-ISOBMFF 2.3). Pure C, fuzzed.
 *
 * FFmpeg's decoders accept some malformed records silently; a description that
 * does not parse makes the config unsupported instead.
 */
#ifndef WC_CONFIG_RECORD_H
#define WC_CONFIG_RECORD_H

#include <stddef.h>
#include <stdint.h>

/*
 * codec_kind: enum wc_codec_kind. Returns 0 when data (len bytes) is acceptable
 * as the description of that codec (VP8/VP9 ignore it), or -1 with a reason.
 */
int wc_config_record_check(int codec_kind, const uint8_t *data, size_t len, char *why, size_t whylen);

#endif
