/**
 * An Anthropic-format upstream that sends the start of a stream and then waits, recording whether
 * the connection was aborted: the test that a client disconnect reaches the provider.
 */
import { anthropicStream } from "../fixtures/fake-upstream/anthropic.ts";

export async function startHangingUpstream() {
  let aborted = 0;
  let started = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const body = (await req.json()) as { model: string };
      started++;
      const plan = anthropicStream({ text: ["Hel", "lo"] }, 0, body.model);
      const enc = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(c) {
          for (const f of plan.frames.slice(0, plan.faultAt + 1)) c.enqueue(enc.encode(f));
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 20_000);
            req.signal.addEventListener("abort", () => {
              aborted++;
              clearTimeout(t);
              resolve();
            });
          });
          c.close();
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    get aborted() {
      return aborted;
    },
    get started() {
      return started;
    },
    stop: () => server.stop(true),
  };
}
