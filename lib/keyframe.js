'use strict';
// "Implementers SHOULD inspect the chunk's [[internal data]] to verify that it
// is truly a key chunk" (VideoDecoder.decode). Each inspector answers true (a key
// frame), false (certainly not one) or null (cannot tell: let the decoder judge).
// Only a certain `false` makes decode() throw DataError.

function vp8(data) {
  if (data.length < 3) return null;
  return (data[0] & 1) === 0; // frame tag: key_frame bit is 0 for key frames
}

// VP9 uncompressed header (also the first frame of a superframe).
function vp9(data) {
  if (data.length < 1) return null;
  let bit = 0;
  const read = (n) => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = data[bit >> 3];
      if (byte === undefined) throw new RangeError('short');
      v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1);
      bit++;
    }
    return v;
  };
  try {
    if (read(2) !== 2) return null; // frame_marker
    const profile = read(1) | (read(1) << 1);
    if (profile === 3) read(1); // reserved_zero
    if (read(1)) return false; // show_existing_frame
    return read(1) === 0; // frame_type: 0 = KEY_FRAME
  } catch {
    return null;
  }
}

function leb128(data, pos) {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    if (pos + i >= data.length) return null;
    const b = data[pos + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (!(b & 0x80)) return { value, length: i + 1 };
  }
  return null;
}

// AV1 temporal unit (low-overhead OBU format): a key frame starts with a sequence
// header and a frame (header) OBU whose frame_type is KEY_FRAME, or shows an existing key frame.
function av1(data) {
  let pos = 0;
  let reducedStill = false;
  while (pos < data.length) {
    const header = data[pos];
    if (header & 0x80) return null; // forbidden bit
    const type = (header >> 3) & 0xf;
    const ext = (header >> 2) & 1;
    const hasSize = (header >> 1) & 1;
    let p = pos + 1 + ext;
    let size;
    if (hasSize) {
      const l = leb128(data, p);
      if (!l) return null;
      size = l.value;
      p += l.length;
    } else {
      size = data.length - p;
    }
    if (p + size > data.length) return null;
    if (type === 1 && size >= 1) reducedStill = ((data[p] >> 3) & 1) === 1; // seq_profile(3) still_picture(1) reduced_still_picture_header(1)
    if (type === 3 || type === 6) { // OBU_FRAME_HEADER, OBU_FRAME
      if (size < 1) return null;
      if (reducedStill) return true; // every frame is a key frame
      // uncompressed_header(): show_existing_frame(1); then frame_type(2), 0 = KEY_FRAME.
      // (frame_id_numbers_present_flag only adds fields after these.)
      const b = data[p];
      if (b >> 7) return null; // show_existing_frame: key only if the shown frame is one; cannot tell here
      return ((b >> 5) & 3) === 0;
    }
    pos = p + size;
  }
  return null;
}

// NAL units of an Annex B stream, or of a length-prefixed one when lengthSize is given.
function* nalUnits(data, lengthSize) {
  if (lengthSize) {
    let pos = 0;
    while (pos + lengthSize <= data.length) {
      let len = 0;
      for (let i = 0; i < lengthSize; i++) len = len * 256 + data[pos + i];
      pos += lengthSize;
      if (len === 0 || pos + len > data.length) return;
      yield data.subarray(pos, pos + len);
      pos += len;
    }
    return;
  }
  let i = 0;
  let start = -1;
  const n = data.length;
  while (i + 2 < n) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && data[end - 1] === 0) end--;
        yield data.subarray(start, end);
      }
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0 && start < n) yield data.subarray(start, n);
}

function h264(data, lengthSize) {
  let sawSlice = false;
  let sawSei = false;
  for (const nal of nalUnits(data, lengthSize)) {
    if (nal.length < 1) continue;
    const type = nal[0] & 0x1f;
    if (type === 5) return true; // IDR slice
    if (type === 6) sawSei = true; // may carry a recovery point (open-GOP random access): cannot tell cheaply
    if (type >= 1 && type <= 4) sawSlice = true;
  }
  return sawSlice && !sawSei ? false : null;
}

function hevc(data, lengthSize) {
  let sawVcl = false;
  for (const nal of nalUnits(data, lengthSize)) {
    if (nal.length < 2) continue;
    const type = (nal[0] >> 1) & 0x3f;
    if (type >= 16 && type <= 23) return true; // IRAP (BLA, IDR, CRA)
    if (type <= 31) sawVcl = true;
  }
  return sawVcl ? false : null;
}

// lengthSizeMinusOne from an avcC / hvcC record, or 0 (Annex B) when there is none.
function avcLengthSize(description) {
  if (!description || description.length < 7 || description[0] !== 1) return 0;
  return (description[4] & 3) + 1;
}

function hevcLengthSize(description) {
  if (!description || description.length < 23 || description[0] !== 1) return 0;
  return (description[21] & 3) + 1;
}

// codec: the codec string's four-character prefix; description: Uint8Array or null.
function isKeyChunk(codec, data, description) {
  const prefix = codec.slice(0, 4);
  switch (prefix) {
    case 'vp8': return vp8(data);
    case 'vp09': return vp9(data);
    case 'av01': return av1(data);
    case 'avc1':
    case 'avc3': return h264(data, avcLengthSize(description));
    case 'hvc1':
    case 'hev1': return hevc(data, hevcLengthSize(description));
    default: return codec === 'vp8' ? vp8(data) : null;
  }
}

module.exports = { isKeyChunk };
