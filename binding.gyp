{
  # FFmpeg (libavcodec, libavutil, libswscale) comes from pkg-config; scripts/build.js
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
        "src/binding.c",
        "src/napi_util.c",
        "src/errors.c",
        "src/queue.c",
        "src/worker.c",
        "src/codec.c",
        "src/codec_string.c",
        "src/config_record.c",
        "src/pixfmt.c",
        "src/colorspace.c",
        "src/decoder.c",
        "src/decoder_engine.c",
        "src/encoder.c",
        "src/encoder_js.c",
        "src/encoder_params.c",
        "src/bitstream.c",
        "src/support.c",
        "src/frame.c",
        "src/frame_copy.c",
        "src/frame_pool.c"
      ],
      "include_dirs": ["include"],
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_c": [
        "-std=c11",
        "-fvisibility=hidden",
        "-Wall",
        "-Wextra",
        "<!@(pkg-config --cflags libavcodec libavutil libswscale)"
      ],
      "libraries": ["<!@(pkg-config --libs libavcodec libavutil libswscale)", "-lpthread"],
      "xcode_settings": {
        "OTHER_CFLAGS": [
          "-std=c11",
          "-fvisibility=hidden",
          "-Wall",
          "-Wextra",
          "<!@(pkg-config --cflags libavcodec libavutil libswscale)"
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
