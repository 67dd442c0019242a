/**
 * Loom's own product events end to end: the real `loom run` in team mode against a real server (the
 * model is the fake upstream behind the server's proxy) sends session.started, tool.used and
 * model.used to that server's analytics, with no prompt, file content or tool input in them; with
 * DO_NOT_TRACK=1 it sends nothing.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { isolatedEnv } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { tempDir } from "./_helpers.ts";

const ROOT = join(import.meta.dir, "../..");
const KEY = "sk-ant-telemetry-server-key-123456";
const PROMPT_MARK = "PROMPTSECRETMARK";
const FILE_MARK = "FILESECRETMARK";
let up: FakeUpstream;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        { text: "Reading it.", toolCalls: [{ name: "read_file", input: { path: "notes.txt" } }] },
        { text: `Done: ${FILE_MARK.toLowerCase()}` },
      ],
      onExhausted: "repeat",
      apiKey: KEY,
    },
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

async function run(extraEnv: Record<string, string>): Promise<void> {
  const home = tempDir("loom-telemetry-home-");
  const workspace = join(home, "ws");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "notes.txt"), `${FILE_MARK}\n`);
  const env = { ...isolatedEnv(home), LOOM_TOKEN: token, ...extraEnv };
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
      `${PROMPT_MARK}: what does notes.txt say?`,
    ],
    { cwd: workspace, env, stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 25_000);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
}

const stored = () =>
  server.db.$client
    .query<{ name: string; distinct_id: string; properties: string }, []>(
      "SELECT name, distinct_id, properties FROM analytics_events WHERE org_id = '_server' ORDER BY timestamp, id",
    )
    .all();

test("loom run in team mode sends its product events to its server, and no content", async () => {
  await run({});
  const rows = stored();
  const names = rows.map((r) => r.name);
  expect(names).toContain("session.started");
  expect(names).toContain("model.used");
  const tool = rows.find((r) => r.name === "tool.used");
  expect(JSON.parse(tool?.properties ?? "{}")).toEqual({
    tool: "read_file",
    duration_ms: expect.any(Number),
    outcome: "ok",
  });
  const started = JSON.parse(rows.find((r) => r.name === "session.started")?.properties ?? "{}");
  expect(started).toMatchObject({ surface: "run", provider: "anthropic", model: "claude-sonnet-4-6" });
  const model = JSON.parse(rows.find((r) => r.name === "model.used")?.properties ?? "{}");
  expect(model.input_tokens).toBeGreaterThan(0);
  // Everything stored: no prompt, no file content, no tool input, no token.
  const all = JSON.stringify(rows).toLowerCase();
  for (const mark of [PROMPT_MARK, FILE_MARK, "notes.txt", token])
    expect(all).not.toContain(mark.toLowerCase());
  // Filed under the caller's own id, readable through the API by the server's admin.
  expect(new Set(rows.map((r) => r.distinct_id)).size).toBe(1);
  const res = await fetch(`${server.url}/api/analytics/events?org=_server&name=tool.used`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { items: unknown[] }).items.length).toBe(1);
}, 40_000);

test("DO_NOT_TRACK=1 sends nothing", async () => {
  const before = stored().length;
  await run({ DO_NOT_TRACK: "1" });
  expect(stored().length).toBe(before);
}, 40_000);
