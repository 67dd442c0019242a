/**
 * Local weavers (`bun run bench weaver`), on a `loom serve` in this process with the local driver
 * and bubblewrap: create → ready (p50 of 5, a one-file repository; goal ≤ 1 s), the attach round trip
 * from a keystroke sent on the WebSocket to its echo from the REPL's terminal (p50 of 40; goal
 * ≤ 10 ms), and 20 weavers created at once all reaching `running` and answering on their terminal
 * (goal: 20 of 20).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { type BenchResult, median } from "./types.ts";

const CREATES = 5;
const KEYS = 40;
const CONCURRENT = 20;

export async function run(): Promise<BenchResult[]> {
  const probe = await probeSandbox(findBwrap());
  if (!probe.ok) throw new Error(`no sandbox here: ${probe.reason}`);
  const root = mkdtempSync(join(tmpdir(), "loom-bench-weaver-"));
  const repo = join(root, "repo");
  mkdirSync(repo);
  writeFileSync(join(repo, "README.md"), "# bench\n");
  const git = (...a: string[]) =>
    Bun.spawnSync(["git", "-c", "user.email=b@x", "-c", "user.name=b", ...a], { cwd: repo });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "init");
  const server = await startServer({
    port: 0,
    env: { XDG_DATA_HOME: join(root, "data"), LOOM_SERVER_DB_PATH: join(root, "server.db") },
    logSink: () => {},
    web: null,
    weavers: {
      driver: "local",
      max_per_user: 50,
      max_per_org: 50,
      max_total: 50,
      default_ttl: "1h",
      max_ttl: "48h",
      ready_timeout: "120s",
      sweep_interval: "30s",
      webhooks: [],
      local: { sandbox: "bwrap" },
    },
  });
  const token = createToken(server.db, { name: "bench" }).token;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const ready = async (id: string, ms = 120_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const w = await call<{ status: string; reason?: string }>("GET", `/api/weaver/${id}`);
      if (w.status === "running") return;
      if (w.status !== "pending") throw new Error(`${id} ${w.status}: ${w.reason}`);
      if (Date.now() > end) throw new Error(`${id} not ready in ${ms} ms`);
      await Bun.sleep(5);
    }
  };
  const create = async () => (await call<{ id: string }>("POST", "/api/weaver", { repo })).id;
  try {
    const readyMs: number[] = [];
    for (let i = 0; i < CREATES; i++) {
      const t = performance.now();
      const id = await create();
      await ready(id);
      readyMs.push(performance.now() - t);
      if (i < CREATES - 1) await call("DELETE", `/api/weaver/${id}`);
    }
    const [last] = (await call<{ items: { id: string }[] }>("GET", "/api/weavers")).items;
    const echoMs = await roundTrips(server.url, token, last?.id ?? "");
    await call("DELETE", `/api/weaver/${last?.id}`);

    const ids = await Promise.all(Array.from({ length: CONCURRENT }, create));
    const outcomes = await Promise.allSettled(
      ids.map(async (id) => {
        await ready(id);
        await prompt(server.url, token, id);
      }),
    );
    const good = outcomes.filter((o) => o.status === "fulfilled").length;
    const why = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")?.reason;
    if (why) process.stderr.write(`bench weaver: ${String((why as Error).message ?? why)}\n`);
    for (const id of ids) await call("DELETE", `/api/weaver/${id}`).catch(() => {});
    const readyP50 = median(readyMs);
    const echoP50 = median(echoMs);
    return [
      {
        name: "weaver create → ready p50 (small repo, bwrap)",
        value: readyP50,
        unit: "ms",
        goal: "<= 1000 ms",
        ok: readyP50 <= 1000,
      },
      {
        name: "weaver attach keystroke → echo p50",
        value: echoP50,
        unit: "ms",
        goal: "<= 10 ms",
        ok: echoP50 <= 10,
      },
      {
        name: `weavers running at once (of ${CONCURRENT})`,
        value: good,
        unit: "weavers",
        goal: `${CONCURRENT} of ${CONCURRENT}`,
        ok: good === CONCURRENT,
      },
    ];
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

function connect(url: string, token: string, id: string) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/weaver/${id}/attach?cols=120&rows=40`, {
    headers: { authorization: `Bearer ${token}` },
  } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  const state = { text: "", onData: () => {} };
  ws.onmessage = (e) => {
    state.text += new TextDecoder().decode(e.data as ArrayBuffer);
    state.onData();
  };
  const until = (pred: () => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (pred()) return resolve();
      const t = setTimeout(() => reject(new Error(`${id}: no terminal output in ${ms} ms`)), ms);
      state.onData = () => {
        if (!pred()) return;
        clearTimeout(t);
        resolve();
      };
    });
  const open = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`${id}: attach refused`));
  });
  return { ws, state, until, open };
}

/** Waits for the REPL's prompt on the weaver's terminal. */
async function prompt(url: string, token: string, id: string): Promise<void> {
  const c = connect(url, token, id);
  await c.open;
  await c.until(() => c.state.text.includes("›"), 120_000);
  c.ws.close();
}

async function roundTrips(url: string, token: string, id: string): Promise<number[]> {
  const c = connect(url, token, id);
  await c.open;
  await c.until(() => c.state.text.includes("›"), 60_000);
  const out: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const before = c.state.text.length;
    const t = performance.now();
    c.ws.send(new TextEncoder().encode(key));
    await c.until(() => c.state.text.slice(before).includes(key), 10_000);
    out.push(performance.now() - t);
  }
  c.ws.close();
  return out;
}
