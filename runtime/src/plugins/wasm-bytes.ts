/**
 * Reading and writing the WebAssembly binary format, for the load-time rewrites of a plugin's
 * module (wasm-module.ts caps its memory, wasm-instrument.ts makes its loops interruptible).
 */

/** The bytes are not a well-formed module (truncated, an over-long number). */
export class WasmFormatError extends Error {}

/** The 8 bytes every module starts with: `\0asm` and version 1. */
export const WASM_HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128 of `value`, appended to `out`. */
export function leb(value: number, out: number[] = []): number[] {
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export class Reader {
  p: number;
  constructor(
    readonly b: Uint8Array,
    start = 0,
  ) {
    this.p = start;
  }
  byte(): number {
    const v = this.b[this.p++];
    if (v === undefined) throw new WasmFormatError("unexpected end of module");
    return v;
  }
  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new WasmFormatError("LEB128 too long");
  }
  /** Skips one LEB128 number of any width (signed or not, up to 64 bits). */
  skipLeb(): void {
    for (let n = 0; n < 10; n++) if ((this.byte() & 0x80) === 0) return;
    throw new WasmFormatError("LEB128 too long");
  }
  skip(n: number): void {
    if (this.p + n > this.b.length) throw new WasmFormatError("unexpected end of module");
    this.p += n;
  }
  skipName(): void {
    this.skip(this.u32());
  }
  /** A value type: one byte, or `ref`/`ref null` followed by a heap type. */
  skipValType(): void {
    const b = this.byte();
    if (b === 0x63 || b === 0x64) this.skipLeb();
  }
  /** A block type: empty, a value type, or a type index. */
  skipBlockType(): void {
    const b = this.b[this.p];
    if (b === 0x63 || b === 0x64) this.p++;
    this.skipLeb();
  }
  skipLimits(): void {
    const flags = this.byte();
    this.skipLeb();
    if (flags & 1) this.skipLeb();
  }
  skipMemArg(): void {
    const align = this.u32();
    if (align & 0x40) this.skipLeb();
    this.skipLeb();
  }
}

export interface Section {
  id: number;
  body: Uint8Array;
}

/** The sections after the 8-byte header, in order; bodies are views into `wasm`. */
export function readSections(wasm: Uint8Array): Section[] {
  const r = new Reader(wasm, 8);
  const sections: Section[] = [];
  while (r.p < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    const start = r.p;
    r.skip(size);
    sections.push({ id, body: wasm.subarray(start, start + size) });
  }
  return sections;
}

/** A module from its header and sections. */
export function writeModule(header: Uint8Array, sections: Section[]): Uint8Array {
  const parts: Uint8Array[] = [header];
  for (const s of sections) parts.push(Uint8Array.from([s.id, ...leb(s.body.length)]), s.body);
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}
