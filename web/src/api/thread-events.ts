/**
 * Live thread writes: `GET /api/threads/events` (SSE, filtered by the server's policy) read through
 * `fetch`, reconnecting after a drop (1 s, doubling to 30 s; not after a 401). `onReconnect` runs when a
 * connection is back after a drop, so a view can reload what it may have missed meanwhile.
 */
import { createSseParser } from "@loom/sse/parse";
import { getToken } from "./session.ts";

export interface ThreadEvent {
  id: string;
  version: number;
  updatedAt: string;
  visibility: string;
  deleted: boolean;
}

export interface EventsOptions {
  onReconnect?: () => void;
  fetch?: typeof fetch;
}

export function subscribeThreadEvents(onEvent: (e: ThreadEvent) => void, o: EventsOptions = {}): () => void {
  const ac = new AbortController();
  let delay = 1000;
  let connections = 0;
  const parse = createSseParser((m) => {
    if (m.event !== "thread.updated") return;
    try {
      onEvent(JSON.parse(m.data) as ThreadEvent);
    } catch {
      // A malformed message is skipped, not fatal.
    }
  });

  async function connect(): Promise<void> {
    const token = getToken();
    const res = await (o.fetch ?? fetch)("/api/threads/events", {
      headers: { accept: "text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: ac.signal,
    });
    if (res.status === 401 || res.status === 403) {
      ac.abort();
      return;
    }
    if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
    delay = 1000;
    if (connections++ > 0) o.onReconnect?.();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parse(value);
    }
  }

  (async () => {
    while (!ac.signal.aborted) {
      try {
        await connect();
      } catch {
        // Dropped or refused: retry below unless stopped.
      }
      if (ac.signal.aborted) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  })();
  return () => ac.abort();
}
