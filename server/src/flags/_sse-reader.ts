/** Test helper: reads an SSE response event by event, waiting for the next one of a given name. */
import type { SseMessage } from "@loom/sse/parse";
import { readSse } from "@loom/sse/read";

export function sseReader(res: Response) {
  if (!res.body) throw new Error("no body");
  const it = readSse(res.body)[Symbol.asyncIterator]();
  return {
    /** The next event named `event` (others before it are skipped and returned in `skipped`). */
    async next(event: string): Promise<{ data: unknown; skipped: SseMessage[] }> {
      const skipped: SseMessage[] = [];
      for (;;) {
        const r = await it.next();
        if (r.done) throw new Error(`stream ended before ${event}`);
        if (r.value.event === event) return { data: JSON.parse(r.value.data), skipped };
        skipped.push(r.value);
      }
    },
    async close() {
      await it.return?.(undefined);
    },
  };
}
