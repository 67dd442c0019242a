/**
 * A local weaver's own cgroup(s): `<parent>/<weaver id>` with its memory limit (v1
 * `memory.limit_in_bytes` and `memory.memsw.limit_in_bytes`, so swap cannot dodge it; v2
 * `memory.max` and `memory.swap.max = 0`) and CPU quota (v1 `cpu.cfs_quota_us` over a 100 ms
 * `cpu.cfs_period_us`; v2 `cpu.max`). The supervisor starts the sandbox through `joinArgv`, a
 * `/bin/sh` that writes its own pid into each group's `cgroup.procs` and then execs the sandbox, so
 * nothing of the weaver runs outside its limits. The groups are removed (their processes killed
 * first) when the weaver ends or is deleted.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { WeaverResources } from "../driver.ts";
import { type CgroupHost, WEAVERS_FOLDER } from "./cgroup-detect.ts";
import { quantityBytes, quantityCpu } from "./quantity.ts";

export interface WeaverGroups {
  version: 1 | 2;
  /** Every group the weaver's processes join (one on v2; the memory and the cpu group on v1). */
  dirs: string[];
  /** The group holding the memory limit, whose OOM kills are counted. */
  memory?: string;
}

export const CPU_PERIOD_US = 100_000;

const errText = (e: unknown) => {
  const x = e as NodeJS.ErrnoException;
  return x.code
    ? `${x.code} (${x.syscall ?? "write"} ${x.path ?? ""})`.replace(" )", ")")
    : String(x.message);
};

const write = (dir: string, file: string, value: string) => {
  try {
    writeFileSync(join(dir, file), value);
  } catch (e) {
    throw new Error(`cannot write ${value} to ${join(dir, file)}: ${errText(e)}`);
  }
};

const words = (path: string) => {
  try {
    return readFileSync(path, "utf8").trim().split(/\s+/);
  } catch {
    return [];
  }
};

/** v2: a controller must be enabled in every parent's `cgroup.subtree_control` down to the group. */
function enableV2(parent: string, controller: string) {
  const above = dirname(parent);
  if (!words(join(parent, "cgroup.controllers")).includes(controller))
    write(above, "cgroup.subtree_control", `+${controller}`);
  if (!words(join(parent, "cgroup.subtree_control")).includes(controller))
    write(parent, "cgroup.subtree_control", `+${controller}`);
}

function makeGroup(host: CgroupHost, parent: string, id: string, controller: string): string {
  const dir = join(parent, id);
  // Another weaver's end may remove an empty `loom-weavers` between the two mkdirs: try again.
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(parent, { recursive: true });
      if (host.version === 2) enableV2(parent, controller);
      mkdirSync(dir);
      return dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return dir;
      if (code !== "ENOENT" || attempt >= 2) throw new Error(`cannot create ${dir}: ${errText(e)}`);
    }
  }
}

export interface MadeGroups {
  groups?: WeaverGroups;
  /** `memory 64Mi`, `cpu 500m`: the limits written. */
  applied: string[];
  /** Why a requested limit is not (`cpu: no cgroup v1 cpu hierarchy`). */
  notApplied?: string;
}

/**
 * Creates the weaver's groups and writes its limits. A limit whose controller this machine lacks is
 * named in `notApplied`; a failure to write one throws (after removing what was made).
 */
export function createWeaverGroups(host: CgroupHost, id: string, r: WeaverResources): MadeGroups {
  const notes: string[] = [];
  const applied: string[] = [];
  const dirs: string[] = [];
  let memoryDir: string | undefined;
  try {
    if (r.memory && host.memory) {
      const bytes = String(quantityBytes(r.memory));
      memoryDir = makeGroup(host, host.memory, id, "memory");
      dirs.push(memoryDir);
      if (host.version === 2) {
        write(memoryDir, "memory.max", bytes);
        if (existsSync(join(memoryDir, "memory.swap.max"))) write(memoryDir, "memory.swap.max", "0");
      } else {
        write(memoryDir, "memory.limit_in_bytes", bytes);
        if (existsSync(join(memoryDir, "memory.memsw.limit_in_bytes")))
          write(memoryDir, "memory.memsw.limit_in_bytes", bytes);
      }
      applied.push(`memory ${r.memory}`);
    } else if (r.memory) notes.push(`memory: ${host.missing ?? "no memory controller"}`);
    if (r.cpu && host.cpu) {
      const quota = String(Math.max(1000, Math.round(quantityCpu(r.cpu) * CPU_PERIOD_US)));
      const dir = makeGroup(host, host.cpu, id, "cpu");
      if (!dirs.includes(dir)) dirs.push(dir);
      if (host.version === 2) write(dir, "cpu.max", `${quota} ${CPU_PERIOD_US}`);
      else {
        write(dir, "cpu.cfs_period_us", String(CPU_PERIOD_US));
        write(dir, "cpu.cfs_quota_us", quota);
      }
      applied.push(`cpu ${r.cpu}`);
    } else if (r.cpu) notes.push(`cpu: ${host.missing ?? "no cpu controller"}`);
  } catch (e) {
    for (const d of dirs) tryRmdir(d);
    throw e;
  }
  return {
    applied,
    ...(dirs.length
      ? { groups: { version: host.version, dirs, ...(memoryDir ? { memory: memoryDir } : {}) } }
      : {}),
    ...(notes.length ? { notApplied: notes.join("; ") } : {}),
  };
}

/**
 * `argv` run inside the weaver's groups: `/bin/sh` writes its own pid into each `cgroup.procs`, then
 * execs `argv` (the same process), so the sandbox starts already limited. Exit 125 if it cannot join.
 */
export function joinArgv(groups: WeaverGroups, argv: string[]): string[] {
  const script =
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return [
    "/bin/sh",
    "-c",
    script,
    "sh",
    String(groups.dirs.length),
    ...groups.dirs.map((d) => join(d, "cgroup.procs")),
    ...argv,
  ];
}

/** How many processes of the weaver the kernel killed for exceeding its memory limit. */
export function oomKills(groups: WeaverGroups | undefined): number {
  if (!groups?.memory) return 0;
  const file = groups.version === 2 ? "memory.events" : "memory.oom_control";
  try {
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(groups.memory, file), "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function groupPids(dir: string): number[] {
  return words(join(dir, "cgroup.procs"))
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * Kills whatever still runs in the weaver's groups and removes them (and their `loom-weavers`
 * parent once empty), polling every 20 ms up to `timeoutMs`. Returns the groups it could not remove.
 */
export async function removeWeaverGroups(
  groups: WeaverGroups | undefined,
  o: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<string[]> {
  if (!groups) return [];
  const sleep = o.sleep ?? Bun.sleep;
  const deadline = Date.now() + (o.timeoutMs ?? 5000);
  const left: string[] = [];
  for (const dir of groups.dirs) {
    for (;;) {
      if (!existsSync(dir) || tryRmdir(dir)) break;
      for (const pid of groupPids(dir)) {
        if (pid === process.pid) continue;
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
      if (Date.now() > deadline) {
        left.push(dir);
        break;
      }
      await sleep(20);
    }
    // `loom-weavers` is shared by every weaver: removed only once empty (rmdir refuses otherwise);
    // a configured parent is the operator's and stays.
    if (!left.includes(dir) && basename(dirname(dir)) === WEAVERS_FOLDER) tryRmdir(dirname(dir));
  }
  return left;
}
