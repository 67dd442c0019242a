/**
 * A separate process running the sync client, for the kill-and-restart test.
 *   bun _sync-worker.ts push <n>   pushes n new threads, prints one JSON result per line, then waits to be killed
 *   bun _sync-worker.ts drain      drains the persisted queue, prints the results, exits
 * Reads LOOM_SERVER_URL, LOOM_TOKEN and LOOM_SYNC_DIR from the environment.
 */
import { createThreadSync } from "@loom/runtime/sync/thread-sync";
import { newThreadId } from "@loom/runtime/thread";

const [mode, n] = process.argv.slice(2);
const sync = createThreadSync({
  serverUrl: process.env.LOOM_SERVER_URL ?? "",
  token: process.env.LOOM_TOKEN ?? "",
  queueDir: process.env.LOOM_SYNC_DIR ?? "",
  autoRetry: false,
});
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === "push") {
  for (let i = 0; i < Number(n); i++) {
    const now = new Date().toISOString();
    const r = await sync.push({
      id: newThreadId(),
      version: 0,
      createdAt: now,
      updatedAt: now,
      workspace: "/w",
      visibility: "team",
      isPrivate: false,
      messages: [{ role: "user", content: `task ${i}` }],
    });
    out(r);
  }
  out({ done: true });
  await Bun.sleep(60_000); // killed by the test
} else if (mode === "drain") {
  for (const r of await sync.drain()) out(r);
  out({ done: true });
}
