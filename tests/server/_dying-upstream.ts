/**
 * An upstream that answers with the start of an SSE stream (Anthropic or OpenAI wire format) and
 * then drops the TCP connection mid-body: the test that a dead upstream ends the client's stream
 * with a clean error event instead of a silent truncation. With `cleanEnd`, the body ends properly
 * (terminating chunk) but still mid-stream, and it answers so even a request that asked for JSON.
 */
import { createServer, type Socket } from "node:net";
import { anthropicStream } from "../fixtures/fake-upstream/anthropic.ts";
import { openaiStream } from "../fixtures/fake-upstream/openai.ts";

function chunk(s: string): string {
  return `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
}

export async function startDyingUpstream(opts: { cleanEnd?: boolean } = {}) {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    let buf = "";
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      const head = buf.indexOf("\r\n\r\n");
      if (head < 0) return;
      const len = Number(/content-length:\s*(\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0);
      if (buf.length - head - 4 < len) return;
      const openai = /^POST \S*chat\/completions/.test(buf);
      const model = (JSON.parse(buf.slice(head + 4)) as { model: string }).model;
      const frames = openai
        ? openaiStream({ text: ["Hel", "lo"] }, 0, model, false).frames
        : anthropicStream({ text: ["Hel", "lo"] }, 0, model).frames;
      sock.write(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" +
          chunk(frames.slice(0, 2).join("")),
      );
      if (opts.cleanEnd) {
        sock.end("0\r\n\r\n");
        return;
      }
      // Die mid-stream: no terminating chunk, connection reset.
      setTimeout(() => sock.resetAndDestroy(), 20);
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    openaiUrl: `http://127.0.0.1:${port}/v1`,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
