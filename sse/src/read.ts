/**
 * The messages of a server-sent events body (a `fetch` response's), in order, through the shared
 * parser (`parse.ts`). An event cut off before its blank line is not dispatched (as the SSE spec
 * says). A consumer that stops early cancels the body, which closes the connection.
 * @example
 * for await (const m of readSse(res.body)) if (m.event === "flag.updated") …
 */
import { createSseParser, type SseMessage } from "./parse.ts";

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const ready: SseMessage[] = [];
  const feed = createSseParser((m) => ready.push(m));
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      feed(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
