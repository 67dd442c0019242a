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
  /** The server's copy kept `from`; the session's own copy lives on as `to` (a fork). */
  onMoved: (from: string, to: string) => void = () => {},
): Promise<SessionSync | undefined> {
  const serverUrl = config.server.url;
  const token = serverUrl ? serverToken(serverUrl, env) : undefined;
  if (!serverUrl || !token) return undefined;
  const { createThreadSync } = await import("@loom/runtime/sync/thread-sync");
  /** Threads whose id went to the server's copy in a conflict, and the fork that carries ours on. */
  const moved = new Map<string, string>();
  const sync = createThreadSync({
    serverUrl,
    token: token.expose(),
    queueDir: join(stateDir(env), "sync"),
    onConflict: (c) => {
      // Both copies stay: the loser under the fork's id, and the server's copy when it kept the id.
      store.save(c.fork);
      if (c.winner === "server") {
        store.save(c.server);
        moved.set(c.id, c.fork.id);
        onMoved(c.id, c.fork.id);
      }
      emit({
        type: "session.notice",
        level: "warn",
        message:
          c.winner === "server"
            ? `sync conflict on ${c.id}: the server's newer copy keeps the id; this conversation continues as ${c.fork.id}`
            : `sync conflict on ${c.id}: the server's older copy was kept as ${c.fork.id}`,
      });
    },
  });
  /**
   * Latest unsent copy per thread. One push at a time for the whole session: saves made during a push
   * coalesce into one push after it, and a conflict's fork is delivered before the copy that moved to it.
   */
  const pending = new Map<string, Thread>();
  /** The push loop while it runs. */
  let current: Promise<void> | undefined;
  let toldQueued = false;
  void sync.drain().catch(() => undefined);
  const pushLoop = async (): Promise<void> => {
    for (let next = pending.entries().next(); !next.done; next = pending.entries().next()) {
      const [id, thread] = next.value;
      pending.delete(id);
      const target = moved.get(thread.id);
      if (target) thread.id = target;
      const r = await sync
        .push(thread)
        .catch((e) => emit({ type: "session.notice", level: "warn", message: `sync: ${formatError(e)}` }));
      // A push that stays queued (server down, token refused…) is said once per session, not per save.
      if (r && r.status === "queued" && !toldQueued) {
        toldQueued = true;
        const hint = /^40[13]\b/.test(r.error ?? "")
          ? `; check the token (\`loom login --server ${serverUrl}\`)`
          : "";
        emit({
          type: "session.notice",
          level: "warn",
          message: `sync: ${thread.id} is queued and will be retried (${r.error ?? "not delivered"})${hint}`,
        });
      }
    }
  };
  const kick = (): void => {
    if (current || pending.size === 0) return;
    current = pushLoop().finally(() => {
      current = undefined;
      kick();
    });
  };
  return {
    push(thread) {
      if (thread.isPrivate) return;
      pending.set(thread.id, structuredClone(thread));
      kick();
    },
    async flush(timeoutMs = 5000) {
      if (!current) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let timedOut = false;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, timeoutMs);
      });
      // A push loop may restart for saves that arrived as it ended: wait until none is running.
      // (read through a function: TypeScript cannot see that `current` changes across the await)
      const running = (): Promise<void> | undefined => current;
      for (let c = running(); c && !timedOut; c = running()) {
        await Promise.race([Promise.allSettled([c]), timeout]);
      }
      // The timer is cleared so it does not hold the process open after the pushes land.
      clearTimeout(timer);
    },

    close() {
      sync.close();
    },
  };
}
