/**
 * Loom's own product events, sent to the team server the user configured and nowhere else
 * (`POST <server>/api/analytics/batch` with the user's own credential; the server files them under
 * the caller's user id). Events wait in memory and go out in batches: every `flushEveryMs`, at
 * `maxBatch` events, and at `flush()`. Sending never throws and never blocks the caller; a failed
 * batch is tried once more at the next flush (each event carries a UUIDv7, so a retry counts once),
 * then dropped. At most `maxQueued` events wait; later ones are dropped.
 * @example
 * const t = createTelemetry({ serverUrl, token });
 * t.track("tool.used", { tool: "read_file", duration_ms: 12, outcome: "ok" });
 * await t.flush(2000);
 */

export type TelemetryValue = string | number | boolean | null;

export interface TelemetryOptions {
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  now?: () => Date;
  flushEveryMs?: number;
  maxBatch?: number;
  maxQueued?: number;
}

interface Queued {
  event: string;
  distinct_id: string;
  uuid: string;
  timestamp: string;
  properties: Record<string, TelemetryValue>;
  tries: number;
}

export interface Telemetry {
  track(event: string, properties?: Record<string, TelemetryValue>): void;
  /** Sends what is queued; resolves within `timeoutMs` whatever the server does. */
  flush(timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Off when `DO_NOT_TRACK` is set to anything but empty or `0` (consoledonottrack.com), or the config says so. */
export function telemetryAllowed(enabled: boolean, env: Record<string, string | undefined>): boolean {
  const dnt = env.DO_NOT_TRACK?.trim();
  return enabled && (dnt === undefined || dnt === "" || dnt === "0");
}

export function createTelemetry(o: TelemetryOptions): Telemetry {
  const send = o.fetch ?? fetch;
  const now = o.now ?? (() => new Date());
  const maxBatch = o.maxBatch ?? 100;
  const maxQueued = o.maxQueued ?? 1000;
  const url = `${o.serverUrl.replace(/\/+$/, "")}/api/analytics/batch`;
  const queue: Queued[] = [];
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const sendBatch = async (batch: Queued[]): Promise<void> => {
    try {
      const res = await send(url, {
        method: "POST",
        headers: { authorization: `Bearer ${o.token}`, "content-type": "application/json" },
        body: JSON.stringify({ batch: batch.map(({ tries: _, ...e }) => e) }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      // A 4xx other than 429 will not get better by retrying (bad token, refused): drop the batch.
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return;
      requeue(batch);
    } catch {
      requeue(batch);
    }
  };
  /** Events whose batch failed once: they go out again at the next drain, then are dropped. */
  const retryLater: Queued[] = [];
  const requeue = (batch: Queued[]) => {
    for (const e of batch)
      if (++e.tries < 2 && queue.length + retryLater.length < maxQueued) retryLater.push(e);
  };
  const drain = (): Promise<void> => {
    if (inFlight) return inFlight;
    queue.unshift(...retryLater.splice(0));
    if (queue.length === 0) return Promise.resolve();
    const run = async () => {
      while (queue.length > 0) await sendBatch(queue.splice(0, maxBatch));
    };
    inFlight = run().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const timer = setInterval(() => void drain(), o.flushEveryMs ?? 5000);
  // Never keeps the process alive.
  (timer as { unref?: () => void }).unref?.();

  return {
    track(event, properties = {}) {
      if (closed || queue.length >= maxQueued) return;
      queue.push({
        event,
        // The server replaces it with the caller's user id.
        distinct_id: "self",
        uuid: Bun.randomUUIDv7(),
        timestamp: now().toISOString(),
        properties,
        tries: 0,
      });
      if (queue.length >= maxBatch) void drain();
    },
    async flush(timeoutMs = 2000) {
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        (async () => {
          // Twice: once for what is queued behind a batch in flight.
          await drain();
          await drain();
        })(),
        new Promise<void>((r) => {
          timeout = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timeout);
    },
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
