import { expect, test } from "bun:test";
import { createSseParser, type SseMessage } from "./parse.ts";

function parseAll(chunks: string[]): SseMessage[] {
  const got: SseMessage[] = [];
  const feed = createSseParser((m) => got.push(m));
  for (const c of chunks) feed(c);
  return got;
}

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

test("one space after the colon is dropped, a second kept; a field without a colon is an empty value", () => {
  expect(parseAll(["data:  two\ndata:none\ndata\n\n"])).toEqual([{ event: "message", data: " two\nnone\n" }]);
});

test("unknown fields (id, retry) are skipped; an event with no data is not dispatched and its name does not leak", () => {
  expect(parseAll(["id: 7\nretry: 10\nevent: init\n\n", "data: d\n\n"])).toEqual([
    { event: "message", data: "d" },
  ]);
});

test("several messages in one chunk come out in order", () => {
  expect(
    parseAll(["event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: c\ndata: 3\n\n"]).map((m) => m.event),
  ).toEqual(["a", "b", "c"]);
});
