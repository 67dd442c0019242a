import { describe, expect, test } from "bun:test";
import { encodeSse, parseSse, type SseMessage } from "./sse.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

async function all(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of parseSse(streamOf(chunks))) out.push(m);
  return out;
}

describe("SSE", () => {
  test("round-trips encoded events split at every byte boundary", async () => {
    const text =
      encodeSse("text.delta", { type: "text.delta", text: "héllo\nworld" }) +
      encodeSse("completed", { n: 1 });
    for (let cut = 1; cut < text.length; cut++) {
      const got = await all([text.slice(0, cut), text.slice(cut)]);
      expect(got).toEqual([
        { event: "text.delta", data: JSON.stringify({ type: "text.delta", text: "héllo\nworld" }) },
        { event: "completed", data: '{"n":1}' },
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
        c.enqueue(new TextEncoder().encode("data: 1\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of parseSse(body)) break;
    expect(cancelled).toBe(true);
  });
});
