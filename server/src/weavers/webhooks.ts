/**
 * Weaver webhooks (`[weavers] webhooks`): a POST of `{ event, weaver, timestamp }` for
 * `weaver.created`, `weaver.ready`, `weaver.exited`, `weaver.deleted`, signed with HMAC-SHA256 of
 * the body under `[weavers] webhook_secret` in `x-loom-signature: sha256=<hex>`. Sent in the
 * background, three attempts (0.5 s, 2 s apart), 5 s each; a delivery that fails is logged.
 */
import { createHmac } from "node:crypto";
import type { Logger } from "../logger.ts";
import type { WeaverInfo } from "./driver.ts";

export type WeaverEvent = "weaver.created" | "weaver.ready" | "weaver.exited" | "weaver.deleted";

export interface Webhooks {
  send(event: WeaverEvent, weaver: WeaverInfo): void;
  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const RETRY_MS = [500, 2000];

export function createWebhooks(o: {
  urls: string[];
  secret?: string;
  fetch?: typeof fetch;
  log: Logger;
  clock?: () => Date;
}): Webhooks {
  const doFetch = o.fetch ?? fetch;
  const inFlight = new Set<Promise<void>>();
  const deliver = async (url: string, event: WeaverEvent, body: string) => {
    const headers: Record<string, string> = { "content-type": "application/json", "x-loom-event": event };
    if (o.secret) headers["x-loom-signature"] = signWebhook(o.secret, body);
    let last = "";
    for (let attempt = 0; attempt <= RETRY_MS.length; attempt++) {
      try {
        const res = await doFetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5000) });
        await res.body?.cancel();
        if (res.ok) return;
        last = `status ${res.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      const wait = RETRY_MS[attempt];
      if (wait !== undefined) await Bun.sleep(wait);
    }
    o.log.error("weaver.webhook_failed", { url, event, reason: last.slice(0, 200) });
  };
  return {
    send(event, weaver) {
      if (o.urls.length === 0) return;
      const body = JSON.stringify({ event, weaver, timestamp: (o.clock?.() ?? new Date()).toISOString() });
      for (const url of o.urls) {
        const p = deliver(url, event, body).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
