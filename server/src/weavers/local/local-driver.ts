/**
 * The `local` weaver driver: each weaver is a supervisor process (supervisor.ts) on this machine with
 * Loom in a bubblewrap sandbox under it. The folders under `<data>/weavers/` are the only record:
 * `list()` reads them and checks each supervisor is still the process it was, so a server restarted
 * after kill -9 finds the weavers that kept running. If no sandbox can be made, `create` refuses with
 * the reason unless `sandbox: "none"`.
 */

import { existsSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { findBwrap, type ProbeResult, probeSandbox } from "@loom/runtime/sandbox/probe";
import type { AttachSession, LogLine, LogOptions, WeaverDriver, WeaverInfo, WeaverSpec } from "../driver.ts";
import { encodeFrame, FRAME_INPUT, FRAME_RESIZE } from "./attach-frames.ts";
import { type CgroupDetection, detectCgroups } from "./cgroup-detect.ts";
import {
  createWeaverGroups,
  type MadeGroups,
  removeWeaverGroups,
  type WeaverGroups,
} from "./cgroup-group.ts";
import { repoLocation } from "./clone-repo.ts";
import { readLog } from "./log-file.ts";
import { sandboxPath } from "./sandbox-path.ts";
import {
  logPath,
  makeWeaverDir,
  readLaunch,
  readSpec,
  readState,
  supervisorAlive,
  type WeaverLaunch,
  weaverDir,
  writeJson,
} from "./weaver-dir.ts";

export interface LocalDriverOptions {
  /** `<data>/weavers`: one folder per weaver. */
  root: string;
  /** The server's URL as the weaver reaches it (`http://127.0.0.1:8080`). */
  serverUrl: () => string;
  /** `"bwrap"` (default) or `"none"`: run weavers unsandboxed (`[weavers.local] sandbox = "none"`). */
  sandbox?: "bwrap" | "none";
  /** Folders hidden inside the sandbox besides the server's home (default: the server's data dir). */
  hidden?: string[];
  /** `[weavers.local] cgroup`: the folder the weavers' groups go in, `"none"`, or absent (detected). */
  cgroup?: string;
  /** `"required"`: refuse a weaver whose `resources` cannot all be applied (default: run it, say why). */
  limits?: "best-effort" | "required";
  /** Where limits can go (default: `detectCgroups`, once). */
  detectCgroups?: () => CgroupDetection;
  /** How to run Loom (default: this checkout's CLI with this Bun, or the compiled binary). */
  loom?: string[];
  /** Environment every weaver gets (PATH, LANG) before its own. */
  baseEnv?: Record<string, string>;
  /** Can a sandbox be made (default: probe bubblewrap once)? */
  probe?: () => Promise<ProbeResult>;
}

const ID = /^weaver-[0-9a-f-]{36}$/;
/** A supervisor writes its state within moments of starting; this long without one, it never started. */
const SUPERVISOR_START_MS = 30_000;

export function createLocalDriver(o: LocalDriverOptions): WeaverDriver {
  let probe: Promise<ProbeResult> | undefined;
  let cgroups: CgroupDetection | undefined;
  /** The weaver's cgroups with its limits written, or why not; refuses when limits are required. */
  const limitsFor = async (spec: WeaverSpec): Promise<AppliedLimits> => {
    const r = spec.resources;
    if (!r?.memory && !r?.cpu) return {};
    cgroups ??= o.detectCgroups ? o.detectCgroups() : detectCgroups(o.cgroup ? { configured: o.cgroup } : {});
    let made: MadeGroups = { applied: [] };
    if (!cgroups.ok) made = { applied: [], notApplied: cgroups.reason };
    else {
      try {
        made = createWeaverGroups(cgroups.host, spec.id, r);
      } catch (e) {
        made = { applied: [], notApplied: (e as Error).message };
      }
    }
    if (made.notApplied && o.limits === "required") {
      await removeWeaverGroups(made.groups);
      throw new LoomError(
        "CONFIG_INVALID",
        `resource limits cannot be applied here: ${made.notApplied} ([weavers.local] limits = "required")`,
      );
    }
    return { ...made, summary: limitsSummary(made) };
  };
  const sandbox = async (): Promise<string | null> => {
    if (o.sandbox === "none") return null;
    probe ??= o.probe ? o.probe() : probeSandbox(findBwrap());
    const p = await probe;
    if (!p.ok)
      throw new LoomError(
        "CONFIG_INVALID",
        `local weavers need a sandbox and none can be made here: ${p.reason} (or set [weavers.local] sandbox = "none")`,
      );
    return p.bwrap;
  };
  const dirOf = (id: string) => (ID.test(id) ? weaverDir(o.root, id) : undefined);

  const info = (id: string): WeaverInfo | undefined => {
    const dir = dirOf(id);
    if (!dir) return undefined;
    const spec = readSpec(dir);
    if (!spec) return undefined;
    const state = readState(dir);
    const base: WeaverInfo = {
      id: spec.id,
      owner: spec.owner,
      repo: spec.repo,
      ...(spec.branch ? { branch: spec.branch } : {}),
      ...(spec.task ? { task: spec.task } : {}),
      status: "pending",
      createdAt: spec.createdAt,
      ...(spec.limits ? { limits: spec.limits } : {}),
      expiresAt: new Date(Date.parse(spec.createdAt) + spec.ttlMs).toISOString(),
    };
    if (!state)
      return Date.now() - Date.parse(spec.createdAt) > SUPERVISOR_START_MS
        ? { ...base, status: "failed", reason: "the weaver's supervisor did not start" }
        : base;
    const ended = state.status === "succeeded" || state.status === "failed";
    if (!ended && !supervisorAlive(state))
      return {
        ...base,
        status: "failed",
        reason: "the weaver's process is gone (machine restarted or killed)",
      };
    return {
      ...base,
      status: state.status,
      ...(state.reason ? { reason: state.reason } : {}),
      ...(state.exitCode !== undefined ? { exitCode: state.exitCode } : {}),
    };
  };

  const ended = (id: string) => {
    const s = info(id)?.status;
    return s === undefined || s === "succeeded" || s === "failed";
  };

  return {
    name: "local",
    async create(spec: WeaverSpec): Promise<WeaverInfo> {
      const bwrap = await sandbox();
      if (!ID.test(spec.id)) throw new LoomError("INVALID_INPUT", `not a weaver id: ${spec.id}`);
      refuseOwnFolders(spec.repo, o.root);
      const limits = await limitsFor(spec);
      const dir = makeWeaverDir(o.root, spec.id);
      const { env, ...rest } = spec;
      const createdAt = new Date().toISOString();
      writeJson(join(dir, "spec.json"), {
        ...rest,
        createdAt,
        ...(limits.summary ? { limits: limits.summary } : {}),
      });
      const server = new URL(o.serverUrl());
      const launch: WeaverLaunch = {
        loom: o.loom ?? loomCommand(),
        bwrap,
        serverHost: server.host,
        env: { ...(o.baseEnv ?? defaultBaseEnv()), ...env },
        hidden: [homedir(), ...(o.hidden ?? [])],
        reveal: revealed(),
        ...(limits.groups ? { cgroups: limits.groups } : {}),
        ...(limits.notApplied ? { limitsNotApplied: limits.notApplied } : {}),
        socket: socketPath(dir, spec.id),
      };
      writeJson(join(dir, "launch.json"), launch);
      const p = Bun.spawn(supervisorCommand(dir), {
        detached: true,
        stdin: "ignore",
        stdout: "ignore",
        stderr: "ignore",
        cwd: dir,
        env: { PATH: sandboxPath() },
      });
      p.unref();
      return info(spec.id) as WeaverInfo;
    },
    async get(id) {
      return info(id);
    },
    async list() {
      let names: string[];
      try {
        names = readdirSync(o.root);
      } catch {
        return [];
      }
      return names.flatMap((n) => {
        const i = ID.test(n) ? info(n) : undefined;
        return i ? [i] : [];
      });
    },
    async delete(id) {
      const dir = dirOf(id);
      if (!dir || !readSpec(dir)) return false;
      const state = readState(dir);
      if (state && supervisorAlive(state)) {
        // The supervisor leads its own process group: the sandbox dies with it (--die-with-parent).
        try {
          process.kill(-state.pid, "SIGKILL");
        } catch {}
      }
      const launch = readLaunch(dir);
      if (launch) rmSync(launch.socket, { force: true });
      // What is left in its cgroups (the sandbox dies with the supervisor, but not at once) is killed.
      await removeWeaverGroups(launch?.cgroups);
      rmSync(dir, { recursive: true, force: true });
      return true;
    },
    async claimExit(id) {
      const dir = dirOf(id);
      if (!dir || !readSpec(dir)) return false;
      try {
        // `wx`: only the first writer creates it.
        writeFileSync(join(dir, "exit-reported"), `${new Date().toISOString()}\n`, {
          flag: "wx",
          mode: 0o600,
        });
        return true;
      } catch {
        return false;
      }
    },
    logs(id, options: LogOptions = {}): AsyncIterable<LogLine> {
      const dir = dirOf(id);
      if (!dir || !readSpec(dir)) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
      return readLog(logPath(dir), { ...options, done: () => ended(id) });
    },
    async attach(id, size) {
      const dir = dirOf(id);
      const i = info(id);
      const launch = dir ? readLaunch(dir) : undefined;
      if (!i || !launch) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
      if (i.task) throw new LoomError("CONFLICT", `weaver ${id} runs a task headless: read its logs instead`);
      if (i.status !== "running") throw new LoomError("CONFLICT", `weaver ${id} is ${i.status}, not running`);
      return attachSocket(launch.socket, size);
    },
    async waitReady(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = info(id);
        if (!i) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
        if (i.status === "running") return i;
        if (i.status !== "pending")
          throw new LoomError("TOOL_FAILED", i.reason ?? `weaver ${id} ${i.status}`);
        if (Date.now() > deadline)
          throw new LoomError("TOOL_TIMEOUT", `weaver ${id} was not ready within ${timeoutMs} ms`);
        await Bun.sleep(10);
      }
    },
    async close() {},
  };
}

/** A local repository inside the weavers' own folder (another weaver's clone, its token) is not cloned. */
function refuseOwnFolders(repo: string, root: string) {
  const where = repoLocation(repo);
  if (!where || !("path" in where)) return;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const r = real(root);
  const p = real(where.path);
  if (p === r || p.startsWith(`${r}/`))
    throw new LoomError(
      "INVALID_INPUT",
      `repo ${repo} is inside the server's weavers folder: not a repository a weaver may clone`,
    );
}

interface AppliedLimits {
  groups?: WeaverGroups;
  notApplied?: string;
  /** `WeaverInfo.limits`. */
  summary?: string;
}

/** `memory 64Mi, cpu 500m (cgroup v1)`; `…; not applied: <why>`; or `not applied: <why>`. */
function limitsSummary(made: MadeGroups): string {
  const head = made.groups ? `${made.applied.join(", ")} (cgroup v${made.groups.version})` : "";
  if (!made.notApplied) return head;
  return head ? `${head}; not applied: ${made.notApplied}` : `not applied: ${made.notApplied}`;
}

/** Connects to a supervisor's attach socket. */
async function attachSocket(path: string, size?: { cols: number; rows: number }): Promise<AttachSession> {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const sock = await Bun.connect({
    unix: path,
    socket: {
      data(_s, d) {
        queue.push(new Uint8Array(d));
        signal();
      },
      close() {
        closed = true;
        signal();
      },
      error() {
        closed = true;
        signal();
      },
    },
  }).catch((e: Error) => {
    throw new LoomError("CONFLICT", `cannot reach the weaver's terminal: ${e.message}`);
  });
  const send = (type: number, payload: Uint8Array) => {
    if (!closed) sock.write(encodeFrame(type, payload));
  };
  const resize = (cols: number, rows: number) =>
    send(FRAME_RESIZE, new TextEncoder().encode(JSON.stringify({ cols, rows })));
  if (size) resize(size.cols, size.rows);
  return {
    write: (data) => send(FRAME_INPUT, data),
    resize,
    output: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          if (closed) return;
          await new Promise<void>((r) => {
            wake = r;
          });
        }
      },
    },
    close() {
      closed = true;
      sock.end();
      signal();
    },
  };
}

/** Unix socket paths are limited to 107 bytes: a long data dir uses a private folder under the temp dir. */
function socketPath(dir: string, id: string): string {
  const inDir = join(dir, "attach.sock");
  if (inDir.length <= 100) return inDir;
  const hash = new Bun.CryptoHasher("sha256").update(dir).digest("hex").slice(0, 16);
  return join(tmpdir(), `loom-weavers-${process.getuid?.() ?? 0}`, `${id.slice(-12)}-${hash}.sock`);
}

const REPO_ROOT = join(import.meta.dir, "../../../..");
const FROM_SOURCE = existsSync(join(REPO_ROOT, "cli/src/main.ts"));

/** Loom inside a weaver: this checkout's CLI run by this Bun, or the compiled binary itself. */
export function loomCommand(): string[] {
  return FROM_SOURCE ? [process.execPath, join(REPO_ROOT, "cli/src/main.ts")] : [process.execPath];
}

function supervisorCommand(dir: string): string[] {
  return FROM_SOURCE
    ? [process.execPath, join(import.meta.dir, "supervisor-main.ts"), dir]
    : [process.execPath, "weaver", "supervise", dir];
}

/** Loom's own files (the checkout, Bun), shown again read-only if they lie under a hidden folder. */
function revealed(): string[] {
  const bun = (() => {
    try {
      return dirname(realpathSync(process.execPath));
    } catch {
      return dirname(process.execPath);
    }
  })();
  return FROM_SOURCE ? [REPO_ROOT, bun] : [bun];
}

function defaultBaseEnv(): Record<string, string> {
  return { PATH: sandboxPath(), LANG: process.env.LANG ?? "C.UTF-8" };
}
