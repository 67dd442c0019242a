/**
 * The LLM proxy's cost, measured against the fake upstream on loopback in the same run:
 * - added latency of the SDK pass-through and of `/proxy/{provider}/complete` over a direct call
 *   (p50, goal <= 2 ms);
 * - 1,000 concurrent `/proxy/anthropic/stream` streams through the proxy LlmClient, every event
 *   delivered (delivered / expected, goal 1.0), bounded by a 60 s deadline. This part runs in a child
 *   process with BUN_CONFIG_MAX_HTTP_REQUESTS raised: Bun's fetch allows 256 requests in flight per
 *   process by default, and here the clients and the server's upstream calls share one process.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import anthropic from "@loom/provider-anthropic";
import type { LlmEvent } from "@loom/runtime/llm";
import { createProxyLlmClient } from "@loom/runtime/sync/proxy-client";
import { startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { type BenchResult, percentile } from "./types.ts";

const KEY = "sk-ant-bench-0123456789";
const MODEL = "claude-sonnet-4-6";
const STREAMS = 1000;
const CHUNKS = 10;

/** The fake upstream (CHUNKS text deltas a turn) and a server on a temporary SQLite file in front of it. */
async function proxyStand() {
  const up = await startFakeUpstream({
    script: { turns: [{ text: Array.from({ length: CHUNKS }, (_, i) => `c${i} `) }], onExhausted: "repeat" },
  });
  const dir = mkdtempSync(join(tmpdir(), "loom-bench-"));
  const server = await startServer({
    port: 0,
    dbPath: join(dir, "server.db"),
    env: {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: up.url,
      LOOM_SERVER_RATE_LIMIT_PER_MINUTE: "10000000",
    },
    logSink: () => {},
  });
  const token = createToken(server.db, { name: "bench" }).token;
  return {
    up,
    server,
    token,
    async stop() {
      await server.stop();
      await up.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * p50 of `proxied` minus p50 of `direct` (goal 2 ms): warmed up, then interleaved in ten rounds so
 * both sides see the same machine state.
 */
async function addedLatency(
  name: string,
  baseline: string,
  direct: () => Promise<unknown>,
  proxied: () => Promise<unknown>,
  n: { warm: number; batch: number },
): Promise<BenchResult> {
  await timeEach(n.warm, direct);
  await timeEach(n.warm, proxied);
  const d: number[] = [];
  const p: number[] = [];
  for (let round = 0; round < 10; round++) {
    d.push(...(await timeEach(n.batch, direct)));
    p.push(...(await timeEach(n.batch, proxied)));
  }
  const d50 = percentile(d, 50);
  const added = percentile(p, 50) - d50;
  return {
    name: `proxy added latency p50, ${name}`,
    value: added,
    unit: "ms",
    goal: "<= 2 ms",
    ok: added <= 2,
    baseline: { name: `${baseline} p50`, value: d50 },
    ratio: percentile(p, 50) / d50,
  };
}

export async function run(): Promise<BenchResult[]> {
  const { up, server, token, stop } = await proxyStand();
  const out: BenchResult[] = [];
  try {
    const body = JSON.stringify({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const post = (url: string, auth: Record<string, string>) => () =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...auth },
        body,
      }).then((r) => r.text());
    const direct = post(`${up.url}/v1/messages`, { "x-api-key": KEY });
    const proxied = post(`${server.url}/proxy/anthropic/v1/messages`, { "x-api-key": token });
    const request = { model: MODEL, messages: [{ role: "user" as const, content: "hi" }], maxTokens: 64 };
    const directLlm = anthropic.create({ apiKey: KEY, baseUrl: up.url });
    const proxyLlm = createProxyLlmClient({ serverUrl: server.url, token, provider: "anthropic" });

    out.push(
      await addedLatency("SDK pass-through", "direct upstream call", direct, proxied, {
        warm: 50,
        batch: 30,
      }),
      await addedLatency(
        "LlmClient complete",
        "direct provider client",
        () => directLlm.complete(request),
        () => proxyLlm.complete(request),
        { warm: 30, batch: 20 },
      ),
    );

    out.push(await streamsInChild());
  } finally {
    await stop();
  }
  return out;
}

async function streamsInChild(): Promise<BenchResult> {
  const child = Bun.spawn([process.execPath, import.meta.path, "--streams"], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
    stdout: "pipe",
    stderr: "inherit",
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  const text = await new Response(child.stdout).text();
  clearTimeout(killer);
  await child.exited;
  const r = JSON.parse(text.trim().split("\n").at(-1) ?? "{}") as {
    delivered: number;
    failed: number;
    secs: number;
  };
  const expected = STREAMS * (CHUNKS + 1);
  return {
    name: `${STREAMS} concurrent proxy streams: events delivered / expected (${r.failed} failed, ${r.secs.toFixed(1)} s)`,
    value: r.delivered / expected,
    unit: "ratio",
    goal: "= 1 within 60 s",
    ok: r.delivered === expected && r.failed === 0,
  };
}

/** Child process: upstream, server and 1,000 streaming clients; prints one JSON line. */
async function streams(): Promise<void> {
  const { server, token, stop } = await proxyStand();
  const llm = createProxyLlmClient({ serverUrl: server.url, token, provider: "anthropic" });
  const request = { model: MODEL, messages: [{ role: "user" as const, content: "hi" }], maxTokens: 64 };
  const ac = new AbortController();
  const deadline = setTimeout(() => ac.abort(), 60_000);
  let delivered = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      try {
        for await (const e of llm.stream(request, ac.signal) as AsyncIterable<LlmEvent>) {
          if (e.type === "text.delta" || e.type === "completed") delivered++;
        }
      } catch {
        failed++;
      }
    }),
  );
  clearTimeout(deadline);
  const secs = (performance.now() - t0) / 1000;
  await stop();
  process.stdout.write(`${JSON.stringify({ delivered, failed, secs })}\n`);
}

if (import.meta.main && process.argv.includes("--streams")) await streams();
