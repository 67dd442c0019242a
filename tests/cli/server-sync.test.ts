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

test("a sync conflict keeps both copies: the newer keeps the id, the older becomes a fork", async () => {
  const first = await loom(sb, ["run", "--json", "start a thread"], { env });
  expect(first.code).toBe(0);
  const id = String(jsonLines(first.stdout).at(-1)?.threadId);
  const res = await serverThread(id);
  expect(res.status).toBe(200);
  const onServer = (await res.json()) as { version: number; messages: unknown[] } & Record<string, unknown>;

  // Someone else changes the thread on the server, later than anything done locally.
  const edited = {
    ...onServer,
    title: "edited elsewhere",
    updatedAt: "2099-01-01T00:00:00.000Z",
    messages: [...onServer.messages, { role: "user", content: "a note added elsewhere" }],
  };
  const put = await fetch(`${server.url}/api/threads/${id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${env.LOOM_TOKEN}`,
      "content-type": "application/json",
      "if-match": String(onServer.version),
    },
    body: JSON.stringify(edited),
  });
  expect(put.status).toBeLessThan(300);

  // Meanwhile the local copy moves on from the old version and pushes: 412, then resolution.
  const second = await loom(sb, ["run", "--json", "--resume", id, "continue locally"], { env });
  expect(second.code).toBe(0);
  const show = async (tid: string) =>
    JSON.parse((await loom(sb, ["threads", "show", "--json", tid], { env })).stdout);
  const local = await show(id);
  expect(local.title).toBe("edited elsewhere");
  expect(JSON.stringify(local.messages)).toContain("a note added elsewhere");

  const list = await loom(sb, ["threads", "list", "--json"], { env });
  const all = JSON.parse(list.stdout) as Array<{ id: string }>;
  const forks = [];
  for (const t of all) {
    if (t.id === id) continue;
    const full = await show(t.id);
    if (JSON.stringify(full.messages).includes("continue locally")) forks.push(full);
  }
  expect(forks).toHaveLength(1);
  // The fork reached the server too.
  expect((await serverThread(forks[0].id)).status).toBe(200);
}, 30_000);
