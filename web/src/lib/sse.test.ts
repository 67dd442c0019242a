import { expect, test } from "bun:test";
import { createSseParser, type SseMessage } from "./sse.ts";

test("messages split anywhere across chunks; comments skipped; multi-line data joined; a partial message waits", () => {
  const got: SseMessage[] = [];
  const feed = createSseParser((m) => got.push(m));
  const text =
    ': subscribed\n\nevent: thread.updated\ndata: {"id":"T-1"}\n\n: keep-alive\n\ndata: a\r\ndata: b\r\n\r\nevent: x\ndata: cut';
  for (const ch of text) feed(ch);
  expect(got).toEqual([
    { event: "thread.updated", data: '{"id":"T-1"}' },
    { event: "message", data: "a\nb" },
  ]);
  feed("\n\n");
  expect(got.at(-1)).toEqual({ event: "x", data: "cut" });
});
