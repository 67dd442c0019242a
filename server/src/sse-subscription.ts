/**
 * A server-sent events response that stays open on a subscription (thread events, flag changes):
 * `start` subscribes, sends its first frames and returns how to unsubscribe; a heartbeat frame goes
 * every `heartbeatMs`. It ends, unsubscribing and stopping the heartbeat, when the client leaves
 * (the request aborts or the body is cancelled), when a frame cannot be sent, or when `start`'s
 * `close()` is called (a credential gone).
 * @example
 * return sseSubscription(request, {
 *   heartbeat: () => ": keep-alive\n\n",
 *   heartbeatMs: 15_000,
 *   start: ({ send }) => { send(": subscribed\n\n"); return bus.subscribe((e) => send(encodeSse("x", e))); },
 * });
 */
export interface SseSink {
  /** Queues one frame (already SSE-encoded); a closed stream ends the subscription instead. */
  send(frame: string): void;
  /** Ends the subscription and the response. */
  close(): void;
}

export function sseSubscription(
  request: Request,
  o: { heartbeat: () => string; heartbeatMs: number; start: (sink: SseSink) => () => void },
): Response {
  const enc = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let stopped = false;
      let unsubscribe = () => {};
      let beat: ReturnType<typeof setInterval> | undefined;
      stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(beat);
        unsubscribe();
      };
      const close = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const send = (frame: string) => {
        if (stopped) return;
        try {
          controller.enqueue(enc.encode(frame));
        } catch {
          stop();
        }
      };
      unsubscribe = o.start({ send, close });
      if (stopped) return unsubscribe(); // closed while starting
      beat = setInterval(() => send(o.heartbeat()), o.heartbeatMs);
      if (request.signal.aborted) close();
      else request.signal.addEventListener("abort", close);
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
