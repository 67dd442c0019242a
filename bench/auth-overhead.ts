/**
 * What authentication and the policy add to a request: the real credential resolver (session `ls_`,
 * API token `lt_`, org key `lk_`) over a SQLite server database plus a `can()` decision on a thread,
 * against the same handler without auth, in one Elysia app, requests interleaved in-process
 * (`app.handle`). Goal: p50 of (authenticated − unauthenticated) ≤ 0.2 ms, for each credential.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Elysia } from "elysia";
import { can } from "../server/src/access/policy.ts";
import { createAuthKit } from "../server/src/auth/kit.ts";
import { authPlugin } from "../server/src/auth/plugin.ts";
import { subjectOf } from "../server/src/auth/principal.ts";
import { openDb } from "../server/src/db/open.ts";
import { sqliteBackend } from "../server/src/db/sqlite-backend.ts";
import { silentLogger } from "../server/src/logger.ts";
import { type BenchResult, median } from "./types.ts";

const ROUNDS = 3000;
const WARMUP = 300;
const GOAL_MS = 0.2;

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "loom-bench-auth-"));
  const db = openDb(join(dir, "server.db"));
  const backend = sqliteBackend(db, { clock: () => new Date(), log: silentLogger });
  try {
    const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
    const user = await kit.userForVerifiedEmail("bench@example.com");
    const org = await backend.accounts.orgs.create({ slug: "bench", name: "Bench", owner: user.id });
    if (!org) throw new Error("org not created");
    const session = (await kit.startSession(user.id, "cli", new Request("http://bench"))).secret;
    const token = (await backend.tokens.create({ name: "bench", userId: user.id })).token;
    const key = (
      await backend.accounts.apiKeys.create({
        orgId: org.id,
        name: "bench",
        scopes: ["threads:read"],
        createdBy: user.id,
      })
    ).key;
    const thread = {
      type: "thread" as const,
      ownerId: user.id,
      orgId: org.id,
      teamId: null,
      visibility: "organization" as const,
      sharedWithSupport: false,
    };
    const body = { ok: true };
    const app = new Elysia()
      .use(authPlugin([kit.resolver]))
      .get("/open", () => body)
      .get(
        "/guarded",
        ({ principal }) => {
          if (!can(subjectOf(principal), "Read", thread).allow) throw new Error("denied");
          return body;
        },
        { auth: true },
      );
    const time = async (path: string, credential?: string) => {
      const req = new Request(`http://bench${path}`, {
        headers: credential ? { authorization: `Bearer ${credential}` } : {},
      });
      const t = performance.now();
      const res = await app.handle(req);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return performance.now() - t;
    };
    const creds = { session, token, key };
    const open: number[] = [];
    const guarded: Record<string, number[]> = { session: [], token: [], key: [] };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const o = await time("/open");
      const g: Record<string, number> = {};
      for (const [k, c] of Object.entries(creds)) g[k] = await time("/guarded", c);
      if (i < WARMUP) continue;
      open.push(o);
      for (const k of Object.keys(creds)) guarded[k]?.push(g[k] as number);
    }
    const base = median(open);
    return Object.entries(guarded).map(([k, xs]) => {
      const value = median(xs) - base;
      return {
        name: `auth + policy overhead p50 (${k === "key" ? "lk_ org key" : k === "token" ? "lt_ token" : "ls_ session"})`,
        value: Math.round(value * 1000) / 1000,
        unit: "ms",
        goal: `<= ${GOAL_MS} ms over the same route without auth`,
        ok: value <= GOAL_MS,
        baseline: { name: "unauthenticated route p50 (ms)", value: Math.round(base * 1000) / 1000 },
        ratio: Math.round((median(xs) / base) * 100) / 100,
      };
    });
  } finally {
    await backend.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
