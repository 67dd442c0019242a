import { expect, test } from "bun:test";
import { streamText } from "./stream-text.ts";

const chunks = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

test("until reads on across chunks, and later waits continue from what was read", async () => {
  const s = streamText(chunks(": subscr", "ibed\n", 'data: {"id":"a"}\n', 'data: {"id":"b"}\n'));
  await s.until(": subscribed");
  expect(s.text).toBe(": subscribed\n");
  await s.until('"id":"b"');
  expect(s.text).toContain('"id":"a"');
});

test("a stream that ends before the marker throws, naming it and what was read", async () => {
  const s = streamText(chunks("http://127.0.0.1"));
  await expect(s.until("\n", "the bench server")).rejects.toThrow(
    'the bench server ended before "\\n": http://127.0.0.1',
  );
});

test("a multi-byte character split between chunks is decoded whole", async () => {
  const bytes = new TextEncoder().encode("› ");
  const s = streamText(
    new ReadableStream({
      start(c) {
        c.enqueue(bytes.slice(0, 2));
        c.enqueue(bytes.slice(2));
        c.close();
      },
    }),
  );
  expect(await s.until("› ")).toBe("› ");
});
