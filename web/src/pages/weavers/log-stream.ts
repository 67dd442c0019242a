/**
 * Reads a weaver's log over `GET /api/weaver/:id/logs` (SSE `data: {line, timestamp}`) with fetch
 * rather than EventSource: it carries this tab's bearer token when there is one, and it does not
 * reconnect on its own when the weaver ends (the stream closes then, and that is the end).
 */
import { createSseParser } from "@loom/sse/parse";
import { ApiError } from "../../api/client.ts";
import { getToken } from "../../api/session.ts";

export interface LogLine {
  line: string;
  timestamp: string;
}

export async function streamLogs(
  id: string,
  o: { tail?: number; follow?: boolean; signal?: AbortSignal; fetch?: typeof fetch },
  onLine: (l: LogLine) => void,
): Promise<void> {
  const q = new URLSearchParams();
  if (o.tail !== undefined) q.set("tail", String(o.tail));
  if (o.follow) q.set("follow", "true");
  const token = getToken();
  const res = await (o.fetch ?? fetch)(`/api/weaver/${encodeURIComponent(id)}/logs?${q}`, {
    credentials: "same-origin",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: o.signal,
  });
  if (!res.ok || !res.body) {
    const err = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    throw new ApiError(res.status, err?.error?.code ?? "HTTP_ERROR", err?.error?.message ?? `${res.status}`);
  }
  const feed = createSseParser((m) => {
    try {
      onLine(JSON.parse(m.data) as LogLine);
    } catch {
      // not a log line: skip it
    }
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    feed(value);
  }
}
