import { expect, test } from "bun:test";
import type { SseMessage } from "@loom/sse/parse";
import { readSse } from "@loom/sse/read";
import { encodeSse } from "./sse.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

test("encoded events read back through the shared reader, split at every byte boundary", async () => {
  const text =
    encodeSse("text.delta", { type: "text.delta", text: "héllo\nworld" }) + encodeSse("completed", { n: 1 });
  for (let cut = 1; cut < text.length; cut++) {
    const got: SseMessage[] = [];
    for await (const m of readSse(streamOf([text.slice(0, cut), text.slice(cut)]))) got.push(m);
    expect(got).toEqual([
      { event: "text.delta", data: JSON.stringify({ type: "text.delta", text: "héllo\nworld" }) },
      { event: "completed", data: '{"n":1}' },
    ]);
  }
});
