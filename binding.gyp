{
  # FFmpeg (libavcodec, libavutil, libswscale, libswresample), libopus and lcms2 (ImageDecoder's ICC profiles) come from pkg-config; scripts/build.js
  # checks for it (and for the minimum version) first and explains what to install.
  # WC_SANITIZE=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer;
  # WC_WERROR=1 turns warnings into errors (CI).
  "variables": {
    "wc_sanitize%": "<!(node -p \"process.env.WC_SANITIZE ? 1 : 0\")",
    "wc_werror%": "<!(node -p \"process.env.WC_WERROR ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "webcodecs_native",
      "sources": [
        "src/node/binding.c",
        "src/node/env.c",
        "src/node/napi_util.c",
        "src/engine/errors.c",
        "src/engine/queue.c",
        "src/engine/worker.c",
        "src/engine/sched.c",
        "src/engine/codec.c",
        "src/formats/codec_string.c",
        "src/formats/config_record.c",
        "src/formats/chunk_check.c",
        "src/video/pixfmt.c",
        "src/video/colorspace.c",
        "src/video/decoder.c",
        "src/video/decoder_engine.c",
        "src/video/encoder.c",
        "src/video/encoder_js.c",
        "src/video/encoder_params.c",
        "src/formats/bitstream.c",
        "src/video/support.c",
        "src/video/frame.c",
        "src/video/frame_copy.c",
        "src/video/frame_pool.c",
        "src/video/scaler.c",
        "src/formats/audio_codec_string.c",
        "src/audio/sample_format.c",
        "src/audio/audio_data.c",
        "src/audio/audio_decoder.c",
        "src/audio/audio_decoder_engine.c",
        "src/audio/audio_encoder.c",
        "src/audio/audio_encoder_codecs.c",
        "src/audio/audio_encoder_js.c",
        "src/formats/image_common.c",
        "src/formats/image_png.c",
        "src/formats/image_jpeg.c",
        "src/formats/image_gif.c",
        "src/formats/image_webp.c",
        "src/formats/image_bmp.c",
        "src/formats/image_heif.c",
        "src/image/image_engine.c",
        "src/image/image_codecs.c",
        "src/image/image_icc.c",
        "src/image/image_decoder.c"
      ],
      "include_dirs": ["include"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_c": [
        "-std=c11",
        "-fvisibility=hidden",
        "-Wall",
        "-Wextra",
        "<!@(pkg-config --cflags libavcodec libavutil libswscale libswresample opus lcms2)"
      ],
      "libraries": ["<!@(pkg-config --libs libavcodec libavutil libswscale libswresample opus lcms2)", "-lpthread"],
      "xcode_settings": {
        "OTHER_CFLAGS": [
          "-std=c11",
          "-fvisibility=hidden",
          "-Wall",
          "-Wextra",
          "<!@(pkg-config --cflags libavcodec libavutil libswscale libswresample opus lcms2)"
        ]
      },
      "conditions": [
        ["wc_werror==1", {
          "cflags_c": ["-Werror"],
          "xcode_settings": {"GCC_TREAT_WARNINGS_AS_ERRORS": "YES"}
        }],
        ["wc_sanitize==1", {
          "cflags_c": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined", "-O1", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
