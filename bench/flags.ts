/**
 * Feature flags: local evaluation of a flag with 5 rules (goal p50 ≤ 2 µs; the context matches only
 * the last rule, so every rule is tried: equals, one-of, regex, semver, then a rollout), beside a flag
 * with no rules; and a flag change reaching 1,000 SSE subscribers (goal ≤ 1 s from the PUT to the last
 * `flag.updated`), over a socket to a server in this process, the subscribers in a child process.
 */
import { join } from "node:path";
import { evaluate } from "../flags/src/evaluate.ts";
import type { FlagRules, FlagSnapshot } from "../flags/src/types.ts";
import { createApp } from "../server/src/app.ts";
import { createToken } from "../server/src/auth/tokens.ts";
import { openDb } from "../server/src/db/open.ts";
import { silentLogger } from "../server/src/logger.ts";
import { type BenchResult, median } from "./types.ts";

const EVAL_GOAL_US = 2;
const FANOUT_GOAL_MS = 1000;
const SUBSCRIBERS = 1000;

const flag = (rules: FlagRules["rules"]): FlagRules => ({
  key: "checkout.new_flow",
  kind: "boolean",
  variants: [
    { key: "on", value: true },
    { key: "off", value: false },
  ],
  offVariant: "off",
  prerequisites: [],
  enabled: true,
  rules,
  defaultVariant: "off",
  killedBy: null,
  version: 1,
});

const FIVE_RULES: FlagRules["rules"] = [
  { conditions: [{ attribute: "plan", operator: "equals", value: "enterprise" }], variant: "on" },
  { conditions: [{ attribute: "country", operator: "in", value: ["fr", "de", "nl", "be"] }], variant: "on" },
  { conditions: [{ attribute: "email", operator: "regex", value: "@(acme|initech)\\.com$" }], variant: "on" },
  { conditions: [{ attribute: "version", operator: "semver_lt", value: "1.0.0" }], variant: "on" },
  { conditions: [{ attribute: "plan", operator: "equals", value: "pro" }], percentage: 50, variant: "on" },
];

function perEvalUs(f: FlagRules, users: number): number {
  const snap: FlagSnapshot = { environment: "prod", flags: { [f.key]: f }, killSwitches: [] };
  const now = Date.now();
  const ctxs = Array.from({ length: users }, (_, i) => ({
    targetingKey: `user-${i}`,
    plan: "pro",
    country: "us",
    email: `u${i}@example.com`,
    version: "1.4.2",
  }));
  const BATCH = 1000;
  for (let i = 0; i < 20_000; i++) evaluate(snap, f.key, ctxs[i % users] as never, now);
  const samples: number[] = [];
  for (let s = 0; s < 300; s++) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) evaluate(snap, f.key, ctxs[(s * BATCH + i) % users] as never, now);
    samples.push(((performance.now() - t0) * 1000) / BATCH);
  }
  return median(samples);
}

async function fanOut(): Promise<number> {
  const db = openDb(":memory:");
  const app = createApp({ db, log: silentLogger, flagsHeartbeatMs: 60_000 });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) => app.handle(r), idleTimeout: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const token = createToken(db, { name: "bench" }).token;
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  await call("POST", "/api/orgs", { slug: "bench" });
  await call("POST", "/api/orgs/bench/flags", { key: "checkout.new_flow", kind: "boolean" });
  const key = String(
    (await call("POST", "/api/orgs/bench/flag-keys", { name: "b", kind: "server", environment: "prod" })).key,
  );
  const child = Bun.spawn(
    ["bun", join(import.meta.dir, "fixtures/flag-subscribers.ts"), url, key, String(SUBSCRIBERS)],
    {
      env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const lines = (async function* () {
    let buf = "";
    const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += new TextDecoder().decode(value);
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        yield buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
    }
  })();
  const timer = setTimeout(() => child.kill(), 120_000);
  try {
    if ((await lines.next()).value !== "ready") throw new Error("subscribers did not start");
    const t0 = performance.timeOrigin + performance.now();
    await call("PUT", "/api/orgs/bench/flags/checkout.new_flow", {
      kind: "boolean",
      environments: { prod: { enabled: true, defaultVariant: "on", rules: [] } },
    });
    const done = String((await lines.next()).value ?? "");
    const [, last, n] = done.split(" ");
    if (Number(n) !== SUBSCRIBERS) throw new Error(`only ${n} subscribers saw the change`);
    return Number(last) - t0;
  } finally {
    clearTimeout(timer);
    child.kill();
    server.stop(true);
  }
}

export async function run(): Promise<BenchResult[]> {
  const base = perEvalUs(flag([]), 10_000);
  const five = perEvalUs(flag(FIVE_RULES), 10_000);
  const fan = await fanOut();
  return [
    {
      name: "flag evaluation p50, 5 rules (local)",
      value: five,
      unit: "µs",
      goal: `<= ${EVAL_GOAL_US} µs`,
      ok: five <= EVAL_GOAL_US,
      baseline: { name: "no rules", value: base },
      ratio: five / base,
    },
    {
      name: `flag change seen by ${SUBSCRIBERS} SSE subscribers`,
      value: fan,
      unit: "ms",
      goal: `<= ${FANOUT_GOAL_MS} ms`,
      ok: fan <= FANOUT_GOAL_MS,
    },
  ];
}
