/**
 * Weavers on the local driver, end to end on this machine: a real `loom serve` (child process, so it
 * can be killed with -9) with the fake model server behind its proxy, a local git repository, and the
 * real `loom new|attach|weaver` commands. One server for the file.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { openDb } from "@loom/server/db";
import { createToken } from "@loom/server/tokens";
import { detectCgroups } from "@loom/server/weaver-cgroups";
import { MAIN } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { tempDir } from "../server/_helpers.ts";
import { dirs, freePort, healthy, loom, ROOT, startServe, waitFor } from "./_weaver-server.ts";

const KEY = "sk-ant-weaver-server-only-key-123456";
const SECRET = "weaver-webhook-secret-0123456789";
let up: FakeUpstream;
let serve: ReturnType<typeof Bun.spawn>;
let url: string;
let port: number;
let token: string;
let serverEnv: Record<string, string>;
let cliEnv: Record<string, string>;
let repo: string;
let hooks: ReturnType<typeof Bun.serve>;
const events: { event: string; id: string; valid: boolean }[] = [];
const procs: ReturnType<typeof Bun.spawn>[] = [];

beforeAll(async () => {
  up = await startFakeUpstream({
    script: { turns: [{ text: ["The answer ", "is 42."] }], onExhausted: "repeat", apiKey: KEY },
  });
  hooks = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = await req.text();
      const want = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
      const e = JSON.parse(body) as { event: string; weaver: { id: string } };
      events.push({ event: e.event, id: e.weaver.id, valid: req.headers.get("x-loom-signature") === want });
      return new Response(null, { status: 204 });
    },
  });
  const root = tempDir("loom-weavers-");
  repo = join(root, "repo");
  mkdirSync(repo);
  writeFileSync(join(repo, "README.md"), "# sample\n");
  const git = (...a: string[]) =>
    Bun.spawnSync(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", ...a], { cwd: repo });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "init");
  git("branch", "feature");

  serverEnv = {
    ...dirs(join(root, "server")),
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: up.url,
    LOOM_SERVER_DB_PATH: join(root, "server.db"),
    LOOM_WEAVERS__PROVIDER: "anthropic",
    LOOM_WEAVERS__MODEL: "claude-sonnet-4-6",
    LOOM_WEAVERS__SWEEP_INTERVAL: "1s",
    LOOM_WEAVERS__WEBHOOKS: `["http://127.0.0.1:${hooks.port}/hook"]`,
    LOOM_WEAVERS__WEBHOOK_SECRET: SECRET,
  };
  const db = openDb(serverEnv.LOOM_SERVER_DB_PATH as string);
  token = createToken(db, { name: "ada" }).token;
  db.$client.close();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  serve = startServe(serverEnv, port);
  await healthy(url, serve);
  cliEnv = { ...dirs(join(root, "cli")), LOOM_TOKEN: token };
});

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
  // Delete what is left (the supervisors are detached: they outlive this process otherwise).
  const list = await api<{ items: { id: string }[] }>("GET", "/api/weavers").catch(() => ({ items: [] }));
  for (const w of list.items) await api("DELETE", `/api/weaver/${w.id}`).catch(() => {});
  serve?.kill("SIGKILL");
  await serve?.exited;
  await up?.stop();
  await hooks?.stop(true);
});

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const status = async (id: string) => (await api<{ status: string }>("GET", `/api/weaver/${id}`)).status;

async function newWeaver(...args: string[]): Promise<string> {
  const r = await loom(["new", "--server-url", url, ...args], cliEnv);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  const id = r.stdout.trim();
  expect(id).toMatch(/^weaver-[0-9a-f-]{36}$/);
  return id;
}

test("a task weaver clones the branch, runs loom run against the model through the server's proxy, and its thread is synced", async () => {
  const id = await newWeaver("--repo", repo, "--branch", "feature", "--task", "what is the answer?");
  expect(
    await waitFor(
      "the task to finish",
      async () => ["succeeded", "failed"].includes(await status(id)) && (await status(id)),
    ),
  ).toBe("succeeded");

  const logs = await loom(["weaver", "logs", id, "--server-url", url], cliEnv);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toContain(`cloning ${repo} (branch feature)`);
  expect(logs.stdout).toContain("The answer is 42.");

  // The model saw the server's key only; the weaver's own token never left the server.
  expect(up.requests.length).toBeGreaterThan(0);
  expect(up.requests.every((r) => JSON.stringify(r.headers).includes(KEY))).toBe(true);
  expect(JSON.stringify(up.requests.map((r) => r.headers))).not.toContain("lw_");

  const { items } = await api<{ items: { id: string; title?: string }[] }>("GET", "/api/threads");
  const threads = await Promise.all(items.map((t) => api<Thread>("GET", `/api/threads/${t.id}`)));
  const synced = threads.find((t) => t.messages[0]?.content === "what is the answer?");
  expect(synced?.messages.some((m) => m.role === "assistant" && m.content === "The answer is 42.")).toBe(
    true,
  );

  const ps = await loom(["weaver", "ps", "--server-url", url], cliEnv);
  expect(ps.stdout).toContain(`${id}\tsucceeded\t${repo}#feature\ttask: what is the answer?`);
  await waitFor("the exited webhook", () => events.some((e) => e.id === id && e.event === "weaver.exited"));
  expect(events.filter((e) => e.id === id).map((e) => e.event)).toEqual([
    "weaver.created",
    "weaver.ready",
    "weaver.exited",
  ]);
  expect(events.every((e) => e.valid)).toBe(true);
}, 60_000);

let replId = "";

test("attach: type into the REPL's terminal, see it, detach with Ctrl+P Ctrl+Q; the weaver keeps running; logs tail it", async () => {
  replId = await newWeaver("--repo", `file://${repo}`);
  await waitFor("the REPL to run", async () => (await status(replId)) === "running");
  const p = Bun.spawn(["bun", MAIN, "attach", replId, "--server-url", url], {
    cwd: ROOT,
    env: cliEnv,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(p);
  let seen = "";
  const reader = (p.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const read = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      seen += decoder.decode(value, { stream: true });
    }
  })();
  await waitFor("the REPL's prompt", () => seen.includes("›"));
  p.stdin.write("hello weaver");
  p.stdin.flush();
  await waitFor("the typed text echoed", () => seen.includes("hello weaver"));
  p.stdin.write("\x10\x11");
  p.stdin.flush();
  expect(await p.exited).toBe(0);
  await read;
  expect(await new Response(p.stderr).text()).toContain(`detached from ${replId}`);
  expect(await status(replId)).toBe("running");

  const logs = await loom(["weaver", "logs", replId, "--tail", "50", "--server-url", url], cliEnv);
  expect(logs.stdout).toContain("running the loom REPL");
  expect(logs.stdout).toMatch(/loom \d+\.\d+\.\d+/);
}, 60_000);

test("a weaver past its ttl is deleted by the sweeper (weaver.deleted webhook)", async () => {
  const r = await api<{ id: string }>("POST", "/api/weaver", { repo, ttl: "1s" });
  await waitFor("the weaver to be deleted", async () => {
    const res = await fetch(`${url}/api/weaver/${r.id}`, { headers: { authorization: `Bearer ${token}` } });
    return res.status === 404;
  });
  expect(existsSync(join(serverEnv.XDG_DATA_HOME as string, "loom", "weavers", r.id))).toBe(false);
  await waitFor("the deleted webhook", () =>
    events.some((e) => e.id === r.id && e.event === "weaver.deleted"),
  );
}, 30_000);

test("after kill -9 and a restart the server finds the running weaver and attaches to it again", async () => {
  expect(replId).not.toBe("");
  serve.kill("SIGKILL");
  await serve.exited;
  serve = startServe(serverEnv, port);
  await healthy(url, serve);
  expect(await status(replId)).toBe("running");
  const { items } = await api<{ items: { id: string }[] }>("GET", "/api/weavers");
  expect(items.map((w) => w.id)).toContain(replId);

  // The terminal is still there: a WebSocket attach replays the screen and takes input.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/weaver/${replId}/attach`, {
    headers: { authorization: `Bearer ${token}` },
  } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  let seen = "";
  ws.onmessage = (e) => {
    seen += new TextDecoder().decode(e.data as ArrayBuffer);
  };
  await waitFor("the socket to open", () => ws.readyState === WebSocket.OPEN);
  ws.send(new TextEncoder().encode(" again"));
  await waitFor("input after the restart", () => seen.includes("again"));
  ws.close();

  const del = await loom(["weaver", "delete", replId, "--server-url", url], cliEnv);
  expect(del.stdout).toBe(`deleted ${replId}\n`);
  const gone = await loom(["attach", replId, "--server-url", url], cliEnv);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toBe(`loom: GET /api/weaver/${replId}: weaver ${replId} not found\n`);
}, 60_000);

const cgroups = detectCgroups({});
if (!cgroups.ok || !cgroups.host.memory)
  console.log(
    `local-weaver.test.ts: skipping the memory limit case: ${cgroups.ok ? cgroups.host.missing : cgroups.reason}`,
  );

test.skipIf(!cgroups.ok || !cgroups.host.memory)(
  "a weaver over its memory limit is reported so by GET /api/weaver/:id, loom weaver ps and its log",
  async () => {
    // 8Mi: less than Loom (Bun) needs to start, so the kernel kills it at once.
    const r = await api<{ id: string }>("POST", "/api/weaver", {
      repo,
      task: "hi",
      resources: { memory: "8Mi" },
    });
    const limits = `memory 8Mi (cgroup v${cgroups.ok ? cgroups.host.version : 0})`;
    const reason = "the weaver was killed for exceeding its memory limit (8Mi)";
    const w = await waitFor("the weaver to end", async () => {
      const info = await api<{ status: string; reason?: string; exitCode?: number }>(
        "GET",
        `/api/weaver/${r.id}`,
      );
      return info.status === "failed" && info;
    });
    // (Loom is what the kernel kills; under load the clone before it could be, which says so too.)
    expect(w).toMatchObject({ status: "failed", limits });
    expect(w.reason).toStartWith(reason);
    if (w.reason === reason) expect(w.exitCode).toBe(137);
    const ps = await loom(["weaver", "ps", "--server-url", url], cliEnv);
    expect(ps.stdout.split("\n").find((l) => l.startsWith(r.id))).toMatch(
      new RegExp(
        `\\t${reason.replace(/[()]/g, "\\$&")}( while cloning)?\\tlimits: ${limits.replace(/[()]/g, "\\$&")}$`,
      ),
    );
    const logs = await loom(["weaver", "logs", r.id, "--server-url", url], cliEnv);
    expect(logs.stdout).toContain(`resource limits: ${limits}`);
    expect(logs.stdout).toContain(`weaver ${r.id}: ${reason}`);
    await api("DELETE", `/api/weaver/${r.id}`);
  },
  30_000,
);

test("bad input to loom new and loom weaver is one line and a non-zero exit", async () => {
  const cases: [string[], number, string][] = [
    [["new", "--server-url", url], 2, "loom new needs --repo URL (a git URL or a local path)"],
    [
      ["new", "--repo", repo, "--ttl", "soon", "--server-url", url],
      2,
      "--ttl must be a duration like 30m, 8h or 2d (got 'soon')",
    ],
    [
      ["new", "--repo", repo, "--ttl", "49h", "--server-url", url],
      1,
      "ttl 49h is longer than the 48 h a weaver may live",
    ],
    [["weaver", "logs", "weaver-nope", "--server-url", url], 1, "weaver weaver-nope not found"],
    [
      ["weaver", "logs", "weaver-nope", "--tail", "x", "--server-url", url],
      2,
      "--tail must be a number of lines (got 'x')",
    ],
  ];
  for (const [args, code, message] of cases) {
    const r = await loom(args, cliEnv);
    expect({ args, code: r.code, lines: r.stderr.trim().split("\n").length }).toEqual({
      args,
      code,
      lines: 1,
    });
    expect(r.stderr).toContain(message);
  }
}, 60_000);
