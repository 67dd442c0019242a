/**
 * `resources` limits of local weavers with the real driver, the real bubblewrap sandbox and the
 * machine's real cgroups (v2 or v1, whichever it offers): a weaver over its memory limit is killed
 * and reported so; one within its limits runs, inside its groups from its first instruction, with
 * the quota files holding the asked values; the groups are gone afterwards. Where cgroups or the
 * sandbox cannot be had (not root, no controller), those tests print why and skip. The refusal of
 * `limits = "required"` and the "not applied" note run everywhere.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { emptyRepo } from "../_test-repo.ts";
import type { WeaverDriver, WeaverInfo } from "../driver.ts";
import { detectCgroups } from "./cgroup-detect.ts";
import { createLocalDriver } from "./local-driver.ts";
import { readLaunch, readState, weaverDir } from "./weaver-dir.ts";

const root = mkdtempSync(join(tmpdir(), "loom-cgroup-limits-"));
const drivers: WeaverDriver[] = [];
// Even after a failed test: no weaver left running, no cgroup left behind.
afterAll(async () => {
  for (const d of drivers) for (const w of await d.list()) await d.delete(w.id);
  rmSync(root, { recursive: true, force: true });
});
const driver = (o: Parameters<typeof createLocalDriver>[0]) => {
  const d = createLocalDriver(o);
  drivers.push(d);
  return d;
};

const repo = emptyRepo(join(root, "repo"));

const detected = detectCgroups({});
const probe = await probeSandbox(findBwrap());
const why = !probe.ok
  ? `no bubblewrap sandbox: ${probe.reason}`
  : !detected.ok
    ? `no cgroups this process may write: ${detected.reason}`
    : !detected.host.memory || !detected.host.cpu
      ? `no memory and cpu cgroup controllers: ${detected.host.missing}`
      : undefined;
if (why) console.log(`cgroup-limits.test.ts: skipping the real cgroup tests: ${why}`);
const version = detected.ok ? detected.host.version : 0;

const spec = (over: Record<string, unknown>) => ({
  id: `weaver-${Bun.randomUUIDv7()}`,
  owner: { userId: "u1" },
  repo,
  ttlMs: 60_000,
  ...over,
});

async function ended(d: WeaverDriver, id: string): Promise<WeaverInfo> {
  for (let i = 0; i < 600; i++) {
    const w = await d.get(id);
    if (w?.status === "succeeded" || w?.status === "failed") return w;
    await Bun.sleep(50);
  }
  throw new Error(`weaver ${id} did not end`);
}

async function logLines(d: WeaverDriver, id: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of d.logs(id)) lines.push(l.line);
  return lines;
}

test.skipIf(why !== undefined)(
  "a weaver whose command allocates far beyond its 64Mi memory limit is killed and reported as over its limit",
  async () => {
    // Bounded (400 MB) even if the limit did not hold; `tail` keeps the whole newline-free input.
    const d = driver({
      root: join(root, "over"),
      serverUrl: () => "http://127.0.0.1:9",
      loom: ["sh", "-c", "echo allocating; head -c 400m /dev/zero | tail"],
    });
    const s = spec({ task: "allocate", resources: { memory: "64Mi" } });
    const created = await d.create(s);
    expect(created.limits).toBe(`memory 64Mi (cgroup v${version})`);
    const groups = readLaunch(weaverDir(join(root, "over"), s.id))?.cgroups;
    expect(groups?.dirs.length).toBe(1);
    const w = await ended(d, s.id);
    expect(w).toMatchObject({
      status: "failed",
      exitCode: 137,
      reason: "the weaver was killed for exceeding its memory limit (64Mi)",
      limits: `memory 64Mi (cgroup v${version})`,
    });
    const lines = await logLines(d, s.id);
    expect(lines).toContain(`resource limits: memory 64Mi (cgroup v${version})`);
    expect(lines.at(-1)).toBe(`weaver ${s.id}: the weaver was killed for exceeding its memory limit (64Mi)`);
    // Removed by the supervisor as the weaver ended.
    for (const g of groups?.dirs ?? []) expect(existsSync(g)).toBe(false);
    expect(await d.delete(s.id)).toBe(true);
  },
  30_000,
);

test.skipIf(why !== undefined)(
  "a weaver within its limits runs inside its groups from the start, with the quota files as asked; the groups go when it ends",
  async () => {
    // A stand-in REPL: shows its cgroups, waits for a line, allocates 20 MB (within 256Mi) and ends.
    const d = driver({
      root: join(root, "within"),
      serverUrl: () => "http://127.0.0.1:9",
      loom: ["sh", "-c", "cat /proc/self/cgroup; echo ready; read l; head -c 20m /dev/zero | tail | wc -c"],
    });
    const s = spec({ resources: { memory: "256Mi", cpu: "500m" } });
    await d.create(s);
    await d.waitReady(s.id, 20_000);
    const dir = weaverDir(join(root, "within"), s.id);
    const groups = readLaunch(dir)?.cgroups;
    if (!groups?.memory) throw new Error("no memory group");
    const file = (g: string, f: string) => readFileSync(join(g, f), "utf8").trim();
    const cpu = groups.dirs.find((g) => g !== groups.memory) ?? groups.memory;
    if (groups.version === 2) {
      expect(file(groups.memory, "memory.max")).toBe(String(256 * 2 ** 20));
      expect(file(cpu, "cpu.max")).toBe("50000 100000");
    } else {
      expect(file(groups.memory, "memory.limit_in_bytes")).toBe(String(256 * 2 ** 20));
      if (existsSync(join(groups.memory, "memory.memsw.limit_in_bytes")))
        expect(file(groups.memory, "memory.memsw.limit_in_bytes")).toBe(String(256 * 2 ** 20));
      expect(file(cpu, "cpu.cfs_quota_us")).toBe("50000");
      expect(file(cpu, "cpu.cfs_period_us")).toBe("100000");
    }
    const a = await d.attach(s.id);
    let seen = "";
    const reading = (async () => {
      for await (const c of a.output) seen += new TextDecoder().decode(c);
    })();
    for (let i = 0; i < 400 && !seen.includes("ready"); i++) await Bun.sleep(25);
    // Once it runs, the sandbox's processes are in the groups; the supervisor is not (it only starts them there).
    const supervisor = readState(dir)?.pid;
    for (const g of groups.dirs) {
      const pids = file(g, "cgroup.procs").split("\n").filter(Boolean).map(Number);
      expect(pids.length).toBeGreaterThan(0);
      expect(pids).not.toContain(supervisor);
    }
    // Joined before the sandbox ran: its cgroup namespace's root is the weaver's memory group
    // (`/`), or without a cgroup namespace the group's own path.
    const memLine = seen.split(/\r?\n/).find((l) => (version === 2 ? /^0::/ : /^\d+:memory:/).test(l));
    expect(memLine === undefined ? "" : memLine.replace(/^\d+:[^:]*:/, "")).toMatch(
      new RegExp(`^(/|.*/${s.id})$`),
    );
    a.write(new TextEncoder().encode("go\n"));
    const w = await ended(d, s.id);
    a.close();
    await reading;
    expect(w).toMatchObject({
      status: "succeeded",
      exitCode: 0,
      limits: `memory 256Mi, cpu 500m (cgroup v${version})`,
    });
    expect(seen).toContain(String(20 * 2 ** 20));
    for (const g of groups.dirs) expect(existsSync(g)).toBe(false);
    expect(await d.delete(s.id)).toBe(true);
  },
  30_000,
);

test.skipIf(why !== undefined)(
  "deleting a running weaver kills what runs in its groups and removes them",
  async () => {
    const d = driver({
      root: join(root, "deleted"),
      serverUrl: () => "http://127.0.0.1:9",
      loom: ["sh", "-c", "echo ready; read l"],
    });
    const s = spec({ resources: { cpu: "1" } });
    await d.create(s);
    await d.waitReady(s.id, 20_000);
    const groups = readLaunch(weaverDir(join(root, "deleted"), s.id))?.cgroups;
    expect(groups?.dirs.length).toBe(1);
    expect(await d.delete(s.id)).toBe(true);
    for (const g of groups?.dirs ?? []) expect(existsSync(g)).toBe(false);
  },
  30_000,
);

test('where no limits can be applied the weaver runs and says why; with limits = "required" it is refused in one line', async () => {
  const noCgroups = () => ({
    ok: false as const,
    reason: "no cgroup v1 memory hierarchy; no cgroup v1 cpu hierarchy",
  });
  const d = driver({
    root: join(root, "none"),
    serverUrl: () => "http://127.0.0.1:9",
    sandbox: "none",
    detectCgroups: noCgroups,
    loom: ["sh", "-c", "echo hello"],
  });
  const s = spec({ task: "hi", resources: { memory: "64Mi" } });
  await d.create(s);
  const w = await ended(d, s.id);
  expect(w).toMatchObject({
    status: "succeeded",
    limits: "not applied: no cgroup v1 memory hierarchy; no cgroup v1 cpu hierarchy",
  });
  expect(await logLines(d, s.id)).toContain(
    "resource limits not applied: no cgroup v1 memory hierarchy; no cgroup v1 cpu hierarchy",
  );

  const strict = driver({
    root: join(root, "strict"),
    serverUrl: () => "http://127.0.0.1:9",
    sandbox: "none",
    detectCgroups: noCgroups,
    limits: "required",
  });
  const e = await strict.create(spec({ resources: { memory: "64Mi" } })).catch((x: Error) => x);
  expect((e as Error).message).toBe(
    'resource limits cannot be applied here: no cgroup v1 memory hierarchy; no cgroup v1 cpu hierarchy ([weavers.local] limits = "required")',
  );
  expect(await strict.list()).toEqual([]);
  // A weaver that asks for no limits is not affected.
  expect(await d.delete(s.id)).toBe(true);
});
