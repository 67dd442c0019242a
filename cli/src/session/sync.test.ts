import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoomConfig } from "@loom/runtime/config/schema";
import { createThread, createThreadStore } from "@loom/runtime/threads/store";
import type { SessionEvent } from "./events.ts";
import { createSessionSync } from "./sync.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-sync-notice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a push the server keeps refusing is said once, with a hint for a refused token", async () => {
  let puts = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      if (req.method === "PUT") puts++;
      return Response.json({ error: { code: "UNAUTHORIZED", message: "token revoked" } }, { status: 401 });
    },
  });
  try {
    const serverUrl = `http://127.0.0.1:${server.port}`;
    const config = { server: { url: serverUrl } } as unknown as LoomConfig;
    const store = createThreadStore({ dir: join(dir, "threads") });
    const events: SessionEvent[] = [];
    const sync = await createSessionSync(
      config,
      { LOOM_TOKEN: "lt_revoked", XDG_STATE_HOME: join(dir, "state") },
      store,
      (e) => events.push(e),
    );
    expect(sync).toBeDefined();
    const thread = createThread({ workspace: dir, isPrivate: false });
    for (let i = 0; i < 3; i++) {
      sync?.push(thread);
      await sync?.flush(5000);
    }
    sync?.close();
    expect(puts).toBeGreaterThanOrEqual(3);
    const notices = events.filter((e) => e.type === "session.notice");
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0])).toContain("queued and will be retried (401 token revoked)");
    expect(JSON.stringify(notices[0])).toContain("loom login --server");
  } finally {
    server.stop(true);
  }
});
