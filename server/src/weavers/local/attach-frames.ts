/**
 * Frames from an attached client to a weaver's supervisor over its Unix socket: `[type u8][length
 * u32 BE][payload]`, type 0 = typed bytes, 1 = a resize (`{"cols","rows"}` as JSON). The other way is
 * the terminal's raw output, unframed.
 */
export const FRAME_INPUT = 0;
export const FRAME_RESIZE = 1;
const HEADER = 5;
/** A frame larger than this ends the connection (a client typing megabytes at once is broken). */
export const MAX_FRAME = 1024 * 1024;

export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = type;
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, HEADER);
  return out;
}

export type Frame = { type: number; payload: Uint8Array };

/** Splits a byte stream into frames; throws on a frame over MAX_FRAME. */
export function createFrameReader(onFrame: (f: Frame) => void) {
  let buf = new Uint8Array(0);
  return (chunk: Uint8Array) => {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    while (buf.length >= HEADER) {
      const len = new DataView(buf.buffer, buf.byteOffset).getUint32(1);
      if (len > MAX_FRAME) throw new Error(`attach frame of ${len} bytes is too large`);
      if (buf.length < HEADER + len) break;
      onFrame({ type: buf[0] ?? 0, payload: buf.slice(HEADER, HEADER + len) });
      buf = buf.slice(HEADER + len);
    }
  };
}
