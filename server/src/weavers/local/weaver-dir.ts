/**
 * A local weaver's folder under the server's data dir (`<data>/weavers/<id>/`, 0700): what the
 * driver rediscovers after a restart. `spec.json` and `launch.json` are written once by the server,
 * `state.json` by the weaver's supervisor (atomically), `log` is the output, one
 * `<ISO time>\t<text>` line each; `workspace/` is the clone and `home/` the weaver's HOME.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WeaverSpec, WeaverStatus } from "../driver.ts";
import type { WeaverGroups } from "./cgroup-group.ts";

export interface WeaverLaunch {
  /** How to run Loom inside (`[bun, cli/src/main.ts]` from a checkout, `[loom]` compiled). */
  loom: string[];
  /** `bwrap` path, or null for `sandbox = "none"`. */
  bwrap: string | null;
  /** The server's `host:port`, the one address the sandbox may reach. */
  serverHost: string;
  /** Environment of the Loom process inside (the weaver's token included; the file is 0600). */
  env: Record<string, string>;
  /** Paths covered inside the sandbox (the server's home and data dir), and paths shown again read-only. */
  hidden: string[];
  reveal: string[];
  /** The weaver's cgroups (made by the driver, limits written), which Loom's sandbox joins before it starts. */
  cgroups?: WeaverGroups;
  /** Why the weaver's `resources` (or some of them) could not be applied, for its log. */
  limitsNotApplied?: string;
  /** Where the attach socket listens (short: Unix socket paths are limited to 107 bytes). */
  socket: string;
}

export interface WeaverState {
  /** The supervisor's pid and its start time (clock ticks since boot), so a reused pid is not mistaken for it. */
  pid: number;
  startTicks: number;
  status: WeaverStatus;
  readyAt?: string;
  endedAt?: string;
  exitCode?: number;
  reason?: string;
}

export const weaverDir = (root: string, id: string) => join(root, id);
export const logPath = (dir: string) => join(dir, "log");
export const workspacePath = (dir: string) => join(dir, "workspace");
export const homePath = (dir: string) => join(dir, "home");

export function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** `spec.json`: the spec without its environment, its creation time and its limits in one line (`WeaverInfo.limits`). */
export type StoredSpec = Omit<WeaverSpec, "env"> & { createdAt: string; limits?: string };
export const readSpec = (dir: string) => readJson<StoredSpec>(join(dir, "spec.json"));
export const readLaunch = (dir: string) => readJson<WeaverLaunch>(join(dir, "launch.json"));
export const readState = (dir: string) => readJson<WeaverState>(join(dir, "state.json"));
export const writeState = (dir: string, s: WeaverState) => writeJson(join(dir, "state.json"), s);

export function makeWeaverDir(root: string, id: string): string {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const dir = weaverDir(root, id);
  mkdirSync(dir, { mode: 0o700 });
  mkdirSync(homePath(dir), { mode: 0o700 });
  return dir;
}

/** Start time of a process in clock ticks since boot (`/proc/<pid>/stat` field 22), or undefined when gone. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Is the supervisor that wrote `state` still that process? */
export function supervisorAlive(state: WeaverState): boolean {
  const ticks = processStartTicks(state.pid);
  return ticks !== undefined && ticks === state.startTicks;
}
