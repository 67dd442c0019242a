/**
 * `loom run --server-url …` end to end: the CLI holds only a Loom token, the server holds the
 * provider key and calls the (fake) upstream, and the thread the run produced arrives on the server.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { isolatedEnv } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { tempDir } from "./_helpers.ts";

const ROOT = join(import.meta.dir, "../..");
const KEY = "sk-ant-e2e-server-only-key-123456";
let up: FakeUpstream;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  up = await startFakeUpstream({
    script: { turns: [{ text: ["The answer ", "is 42."] }], onExhausted: "repeat", apiKey: KEY },
  });
  server = await startServer({
    port: 0,
    dbPath: join(tempDir(), "server.db"),
    env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url },
    logSink: () => {},
  });
  token = createToken(server.db, { name: "ada" }).token;
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

test("loom login, then loom run with a server URL: the proxy answers and the thread is synced", async () => {
  const home = tempDir("loom-e2e-home-");
  const workspace = join(home, "ws");
  mkdirSync(workspace);
  const env = isolatedEnv(home);
  // The token reaches the CLI the way a person's would: `loom login`, then the credentials file.
  // (Async spawn: the server answering it lives in this process.)
  const login = Bun.spawn(
    ["bun", join(ROOT, "cli/src/main.ts"), "login", "--server", server.url, "--token", token],
    {
      env,
      stdout: "ignore",
      stderr: "inherit",
    },
  );
  expect(await login.exited).toBe(0);
  const proc = Bun.spawn(
    [
      "bun",
      join(ROOT, "cli/src/main.ts"),
      "run",
      "--server-url",
      server.url,
      "--provider",
      "anthropic",
      "--model",
      "claude-sonnet-4-6",
      "--json",
      "what is the answer?",
    ],
    { cwd: workspace, env, stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const events = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; threadId?: string; text?: string });
  const final = events.find((e) => e.type === "final");
  expect(final?.text).toBe("The answer is 42.");
  const threadId = final?.threadId ?? "";

  // The upstream saw the server's key, never the client's token.
  expect(up.requests.length).toBeGreaterThan(0);
  expect(JSON.stringify(up.requests.map((r) => r.headers))).not.toContain(token);

  const res = await fetch(`${server.url}/api/threads/${threadId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const thread = (await res.json()) as Thread;
  expect(thread.messages[0]).toEqual({ role: "user", content: "what is the answer?" });
  expect(thread.messages.some((m) => m.role === "assistant" && m.content === "The answer is 42.")).toBe(true);
  expect(JSON.stringify(thread)).not.toContain(KEY);
}, 30_000);
