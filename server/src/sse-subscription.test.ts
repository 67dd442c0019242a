import { expect, test } from "bun:test";
import { type SseSink, sseSubscription } from "./sse-subscription.ts";

/** A subscription whose sink the test drives, counting unsubscribes. */
function open(o: { heartbeatMs?: number; request?: Request } = {}) {
  const state = { sink: undefined as SseSink | undefined, unsubscribed: 0 };
  const ac = new AbortController();
  const res = sseSubscription(o.request ?? new Request("http://x", { signal: ac.signal }), {
    heartbeat: () => ": beat\n\n",
    heartbeatMs: o.heartbeatMs ?? 60_000,
    start: (sink) => {
      state.sink = sink;
      sink.send(": subscribed\n\n");
      return () => state.unsubscribed++;
    },
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let text = "";
  const until = async (marker: string) => {
    for (let i = 0; i < 1000 && !text.includes(marker); i++) {
      const r = await reader.read();
      if (r.done) break;
      text += dec.decode(r.value, { stream: true });
    }
    return text;
  };
  const ended = async () => {
    for (let i = 0; i < 1000; i++) if ((await reader.read()).done) return true;
    return false;
  };
  return { res, state, abort: () => ac.abort(), reader, until, ended };
}

test("an SSE response: the first frames, then what is sent, with the event-stream headers", async () => {
  const s = open();
  expect(s.res.headers.get("content-type")).toBe("text/event-stream");
  expect(s.res.headers.get("cache-control")).toBe("no-cache");
  s.state.sink?.send("event: x\ndata: 1\n\n");
  expect(await s.until("data: 1")).toBe(": subscribed\n\nevent: x\ndata: 1\n\n");
  await s.reader.cancel();
});

test("heartbeats go while the stream is open", async () => {
  const s = open({ heartbeatMs: 1 });
  expect(await s.until(": beat\n\n: beat\n\n")).toStartWith(": subscribed\n\n: beat\n\n");
  await s.reader.cancel();
});

test("the client leaving (request aborted) unsubscribes once and ends the body", async () => {
  const s = open();
  await s.until(": subscribed");
  s.abort();
  expect(await s.ended()).toBe(true);
  s.state.sink?.send("data: late\n\n"); // after the end: dropped, no throw
  expect(s.state.unsubscribed).toBe(1);
});

test("cancelling the body unsubscribes; close() from the subscription ends it too", async () => {
  const a = open();
  await a.reader.cancel();
  expect(a.state.unsubscribed).toBe(1);
  const b = open();
  b.state.sink?.close();
  expect(await b.until("never")).toBe(": subscribed\n\n");
  expect(b.state.unsubscribed).toBe(1);
});

test("a request already aborted when the stream starts ends it at once", async () => {
  const ac = new AbortController();
  ac.abort();
  const s = open({ request: new Request("http://x", { signal: ac.signal }) });
  expect(await s.until("never")).toBe(": subscribed\n\n");
  expect(s.state.unsubscribed).toBe(1);
});
