/**
 * Pushes the session's threads to the team server after each save, when a server URL and a
 * token are configured. Private threads never leave the machine. Pushing never blocks a turn;
 * `flush` waits (bounded) for pushes in flight, so `loom run` can exit with its thread delivered
 * or safely queued.
 */
import { join } from "node:path";
import type { LoomConfig } from "@loom/runtime/config/schema";
import { formatError } from "@loom/runtime/errors";
import { type Env, stateDir } from "@loom/runtime/paths";
import type { Thread } from "@loom/runtime/thread";
import type { ThreadStore } from "@loom/runtime/threads/store";
import type { SessionListener } from "./events.ts";
import { serverToken } from "./server-token.ts";

export interface SessionSync {
  push(thread: Thread): void;
  flush(timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function createSessionSync(
  config: LoomConfig,
  env: Env,
  store: ThreadStore,
  emit: SessionListener,
): Promise<SessionSync | undefined> {
  const serverUrl = config.server.url;
  const token = serverUrl ? serverToken(serverUrl, env) : undefined;
  if (!serverUrl || !token) return undefined;
  const { createThreadSync } = await import("@loom/runtime/sync/thread-sync");
  const sync = createThreadSync({
    serverUrl,
    token: token.expose(),
    queueDir: join(stateDir(env), "sync"),
    onConflict: (c) => {
      store.save(c.fork);
      emit({
        type: "session.notice",
        level: "warn",
        message: `sync conflict on ${c.id}: the older copy was kept as ${c.fork.id}`,
      });
    },
  });
  const inFlight = new Set<Promise<unknown>>();
  void sync.drain().catch(() => undefined);
  return {
    push(thread) {
      if (thread.isPrivate) return;
      const p = sync
        .push(structuredClone(thread))
        .catch((e) => emit({ type: "session.notice", level: "warn", message: `sync: ${formatError(e)}` }))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async flush(timeoutMs = 5000) {
      if (inFlight.size === 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      // The timer is cleared so it does not hold the process open after the pushes land.
      await Promise.race([Promise.allSettled([...inFlight]), timeout]).finally(() => clearTimeout(timer));
    },
    close() {
      sync.close();
    },
  };
}
