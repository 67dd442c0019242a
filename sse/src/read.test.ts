import { describe, expect, test } from "bun:test";
import type { SseMessage } from "./parse.ts";
import { readSse } from "./read.ts";

function bytesOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(typeof ch === "string" ? enc.encode(ch) : ch);
      c.close();
    },
  });
}

async function all(chunks: (string | Uint8Array)[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(bytesOf(chunks))) out.push(m);
  return out;
}

describe("readSse", () => {
  test("messages cut at every byte boundary (a multi-byte character too) read back whole", async () => {
    const bytes = new TextEncoder().encode(
      'event: text.delta\ndata: {"text":"héllo › world"}\n\ndata: 2\n\n',
    );
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await all([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([
        { event: "text.delta", data: '{"text":"héllo › world"}' },
        { event: "message", data: "2" },
      ]);
    }
  });

  test("joins multi-line data, accepts CRLF, skips comments, defaults the event name, drops a cut-off event", async () => {
    const got = await all([
      ": keep-alive\r\n",
      "data: a\r\ndata: b\r\n\r\n",
      "event: x\ndata:c\n\n",
      "data: tail\n",
    ]);
    expect(got).toEqual([
      { event: "message", data: "a\nb" },
      { event: "x", data: "c" },
    ]);
  });

  test("a consumer that stops early cancels the body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readSse(body)) break;
    expect(cancelled).toBe(true);
  });

  test("a body read to its end is released, not cancelled", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("data: 1\n\n"));
        c.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readSse(body));
    expect(cancelled).toBe(false);
    expect(body.locked).toBe(false);
  });
});
