import { expect, test } from "bun:test";
import { type LogLine, streamLogs } from "./log-stream.ts";

/** A fetch answering with `chunks` as an SSE body, recording the URL asked for. */
function sseFetch(chunks: string[], seen: string[]): typeof fetch {
  return (async (url: string) => {
    seen.push(url);
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(enc.encode(ch));
        c.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }) as unknown as typeof fetch;
}

test("log lines arrive split across chunks, with CRLF and comments; data that is not a log line is skipped", async () => {
  const a = JSON.stringify({ line: "running the loom REPL", timestamp: "2026-12-03T10:00:00Z" });
  const b = JSON.stringify({ line: "ok › done", timestamp: "2026-12-03T10:00:01Z" });
  const text = `: keep-alive\n\ndata: ${a}\n\ndata: not json\n\ndata: ${b}\r\n\r\ndata: {"cut"`;
  const seen: string[] = [];
  const lines: LogLine[] = [];
  await streamLogs(
    "w 1",
    {
      tail: 50,
      follow: true,
      fetch: sseFetch([text.slice(0, 20), text.slice(20, 61), text.slice(61)], seen),
    },
    (l) => lines.push(l),
  );
  expect(seen).toEqual(["/api/weaver/w%201/logs?tail=50&follow=true"]);
  expect(lines).toEqual([JSON.parse(a), JSON.parse(b)]);
});
