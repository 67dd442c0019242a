/**
 * With a team server: `loom run` syncs its thread, `loom threads delete` deletes it there too, and
 * `loom private` / `run --private` threads never reach the server.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

const KEY = "sk-ant-cli-sync-test-key-0000000";
let up: FakeUpstream;
let server: RunningServer;
let sb: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startFakeUpstream({
    script: { turns: [{ text: "synced answer" }], onExhausted: "repeat", apiKey: KEY },
  });
  sb = createSandbox({ "README.md": "x\n" });
  server = await startServer({
    port: 0,
    dbPath: join(sb.root, "server.db"),
    env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url },
    logSink: () => {},
  });
  env = { LOOM_SERVER__URL: server.url, LOOM_TOKEN: createToken(server.db, { name: "ada" }).token };
});
afterAll(async () => {
  await server?.stop();
  await up?.stop();
  sb?.cleanup();
});

const serverThread = (id: string) =>
  fetch(`${server.url}/api/threads/${id}`, { headers: { authorization: `Bearer ${env.LOOM_TOKEN}` } });

test("threads reach the server, deletions follow, private threads stay home", async () => {
  const shared = await loom(sb, ["run", "--json", "share this"], { env });
  expect(shared.code).toBe(0);
  const sharedId = String(jsonLines(shared.stdout).at(-1)?.threadId);
  expect((await serverThread(sharedId)).status).toBe(200);

  const secret = await loom(sb, ["run", "--json", "--private", "keep this"], { env });
  expect(secret.code).toBe(0);
  const secretId = String(jsonLines(secret.stdout).at(-1)?.threadId);
  expect((await serverThread(secretId)).status).toBe(404);
  expect(JSON.stringify(up.requests.map((r) => r.headers))).not.toContain(env.LOOM_TOKEN!);

  const del = await loom(sb, ["threads", "delete", sharedId], { env });
  expect(del.code).toBe(0);
  expect(del.stderr).toBe("");
  expect((await serverThread(sharedId)).status).toBe(404);
}, 30_000);
