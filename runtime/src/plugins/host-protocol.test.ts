import { describe, expect, test } from "bun:test";
import { frameReader, frameWriter } from "./host-protocol.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("frameReader", () => {
  test("several frames in one chunk, in order", () => {
    const got: unknown[] = [];
    const push = frameReader((m) => got.push(m));
    push(bytes('{"id":1}\n{"id":2}\n{"id":3}\n'));
    expect(got).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  test("a frame split across chunks, including inside a multi-byte character", () => {
    const got: unknown[] = [];
    const push = frameReader((m) => got.push(m));
    const all = bytes('{"s":"héllo ✓"}\n{"s":"b"}\n');
    const cut = all.indexOf(0xc3) + 1; // between the two bytes of "é"
    push(all.slice(0, 3));
    push(all.slice(3, cut));
    expect(got).toEqual([]);
    push(all.slice(cut, all.length - 4));
    expect(got).toEqual([{ s: "héllo ✓" }]);
    push(all.slice(all.length - 4));
    expect(got).toEqual([{ s: "héllo ✓" }, { s: "b" }]);
  });

  test("the reader does not keep a view of a chunk the runtime may reuse", () => {
    const got: unknown[] = [];
    const push = frameReader((m) => got.push(m));
    const chunk = bytes('{"a":"x');
    push(chunk);
    chunk.fill(0x20);
    push(bytes('y"}\n'));
    expect(got).toEqual([{ a: "xy" }]);
  });

  test("a malformed frame throws", () => {
    const push = frameReader(() => {});
    expect(() => push(bytes("{nope\n"))).toThrow();
  });
});

describe("frameWriter", () => {
  /** A socket that takes at most `room` bytes per write, like a full kernel buffer. */
  function tightSocket(room: number) {
    const sent: number[] = [];
    return {
      sent,
      write(data: string | Uint8Array) {
        const b = typeof data === "string" ? bytes(data) : data;
        const n = Math.min(room, b.length);
        sent.push(...b.subarray(0, n));
        return n;
      },
    };
  }

  test("partial writes are finished on drain, frames stay in order", () => {
    const sock = tightSocket(5);
    const w = frameWriter(sock);
    w.send({ s: "héllo" });
    w.send({ n: 2 });
    for (let i = 0; i < 20; i++) w.drain();
    const got: unknown[] = [];
    frameReader((m) => got.push(m))(new Uint8Array(sock.sent));
    expect(got).toEqual([{ s: "héllo" }, { n: 2 }]);
  });

  test("a socket that takes everything gets one whole frame per send", () => {
    const sock = tightSocket(1 << 20);
    const w = frameWriter(sock);
    w.send({ output: "✓".repeat(1000) });
    expect(new TextDecoder().decode(new Uint8Array(sock.sent))).toBe(
      `${JSON.stringify({ output: "✓".repeat(1000) })}\n`,
    );
  });
});
