/**
 * A local weaver's supervisor: a detached process (its own session, so it outlives a server killed
 * with -9) that clones the repository (in the sandbox: clone-repo.ts), starts Loom in the sandbox — the REPL in a pseudo-terminal
 * (Bun.spawn's `terminal`), or `loom run <task>` headless — writes its output to the log, serves
 * attach connections on a Unix socket, records the state in `state.json`, and ends the weaver at its
 * expiry. The server only reads the folder and connects to the socket.
 */

import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { parseHostRules } from "@loom/runtime/sandbox/host-rules";
import { type NetProxy, openNetProxy } from "@loom/runtime/sandbox/net-proxy";
import { createFrameReader, FRAME_INPUT, FRAME_RESIZE } from "./attach-frames.ts";
import { joinArgv, oomKills, removeWeaverGroups } from "./cgroup-group.ts";
import { cloneRepo } from "./clone-repo.ts";
import { createLogWriter } from "./log-file.ts";
import { weaverBwrapArgs } from "./weaver-bwrap.ts";
import {
  homePath,
  logPath,
  processStartTicks,
  readLaunch,
  readSpec,
  type StoredSpec,
  type WeaverLaunch,
  type WeaverState,
  workspacePath,
  writeState,
} from "./weaver-dir.ts";

/** Output kept for a client that attaches later (the screen it joins). */
const REPLAY_BYTES = 16 * 1024;

interface Supervised {
  dir: string;
  spec: StoredSpec;
  launch: WeaverLaunch;
  state: WeaverState;
  log: ReturnType<typeof createLogWriter>;
  proxy?: NetProxy;
  child?: Bun.Subprocess;
  socket?: Server;
  clients: Set<Socket>;
  replay: Uint8Array[];
  replayBytes: number;
  size: { cols: number; rows: number };
}

export async function superviseWeaver(dir: string): Promise<number> {
  const spec = readSpec(dir);
  const launch = readLaunch(dir);
  if (!spec || !launch) return 2;
  const w: Supervised = {
    dir,
    spec,
    launch,
    state: { pid: process.pid, startTicks: processStartTicks(process.pid) ?? 0, status: "pending" },
    log: createLogWriter(logPath(dir)),
    clients: new Set(),
    replay: [],
    replayBytes: 0,
    size: { cols: 120, rows: 40 },
  };
  writeState(dir, w.state);
  const end = (status: "succeeded" | "failed", reason?: string, exitCode?: number) =>
    finish(w, status, reason, exitCode);
  process.on("SIGTERM", () => void end("failed", "deleted"));
  const expiresIn = Date.parse(spec.createdAt) + spec.ttlMs - Date.now();
  setTimeout(
    () => void end("failed", "expired (ttl reached)"),
    Math.max(0, Math.min(expiresIn, 2 ** 31 - 1)),
  );
  if (launch.limitsNotApplied) w.log.line(`resource limits not applied: ${launch.limitsNotApplied}`);
  if (launch.cgroups) w.log.line(`resource limits: ${spec.limits ?? ""}`);

  const cloned = await cloneRepo(w, (l) => w.log.line(l));
  if (!cloned.ok) {
    const oom = oomKills(launch.cgroups) > 0;
    const limit = spec.resources?.memory;
    return end(
      "failed",
      oom ? `the weaver was killed for exceeding its memory limit (${limit}) while cloning` : cloned.reason,
    );
  }
  try {
    await startChild(w);
  } catch (e) {
    return end("failed", `cannot start loom: ${(e as Error).message}`);
  }
  await listenForAttach(w);
  setState(w, { status: "running", readyAt: new Date().toISOString() });
  w.log.line(`weaver ${spec.id}: running ${spec.task ? "loom run (task)" : "the loom REPL"}`);
  const code = await (w.child as Bun.Subprocess).exited;
  return end(code === 0 ? "succeeded" : "failed", exitReason(w, code), code);
}

/** Why Loom ended: a SIGKILL (137 through bwrap and the relay) with an OOM kill in its group is its memory limit. */
function exitReason(w: Supervised, code: number): string | undefined {
  const kills = oomKills(w.launch.cgroups);
  const limit = w.spec.resources?.memory;
  if (code !== 0 && kills > 0 && (code === 137 || w.child?.signalCode === "SIGKILL"))
    return `the weaver was killed for exceeding its memory limit (${limit})`;
  if (kills > 0)
    w.log.line(
      `weaver ${w.spec.id}: ${kills} process(es) were killed for exceeding the weaver's memory limit (${limit})`,
    );
  return code === 0 ? undefined : `loom exited with code ${code}`;
}

function setState(w: Supervised, patch: Partial<WeaverState>) {
  w.state = { ...w.state, ...patch };
  writeState(w.dir, w.state);
}

let finishing: Promise<number> | undefined;
function finish(
  w: Supervised,
  status: "succeeded" | "failed",
  reason?: string,
  exitCode?: number,
): Promise<number> {
  finishing ??= finishOnce(w, status, reason, exitCode);
  return finishing;
}

/** Ends the weaver: its processes killed and its cgroups removed before the final state is written. */
async function finishOnce(
  w: Supervised,
  status: "succeeded" | "failed",
  reason?: string,
  exitCode?: number,
): Promise<number> {
  w.log.flush();
  if (reason) w.log.line(`weaver ${w.spec.id}: ${reason}`);
  if (w.child && w.child.exitCode === null) w.child.kill("SIGKILL");
  const left = await removeWeaverGroups(w.launch.cgroups);
  if (left.length) w.log.line(`weaver ${w.spec.id}: could not remove its cgroups: ${left.join(", ")}`);
  setState(w, {
    status,
    endedAt: new Date().toISOString(),
    ...(reason ? { reason } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
  });
  for (const c of w.clients) c.destroy();
  w.socket?.close();
  rmSync(w.launch.socket, { force: true });
  w.proxy?.close();
  process.exit(status === "succeeded" ? 0 : 1);
}

async function startChild(w: Supervised): Promise<void> {
  const { spec, launch } = w;
  const ws = workspacePath(w.dir);
  const loomArgs = spec.task
    ? [...launch.loom, "run", "--sandbox", "danger-full-access", "--permission-mode", "auto", spec.task]
    : [...launch.loom, "--sandbox", "danger-full-access"];
  let argv = loomArgs;
  if (launch.bwrap) {
    w.proxy = await openNetProxy(parseHostRules([launch.serverHost]));
    argv = [
      launch.bwrap,
      ...weaverBwrapArgs({
        workspace: ws,
        home: homePath(w.dir),
        hidden: launch.hidden,
        reveal: launch.reveal,
        proxyDir: w.proxy.dir,
        hosts: [launch.serverHost],
        argv: loomArgs,
      }),
    ];
  }
  // The sandbox starts inside the weaver's cgroups (a shell joins them, then execs it).
  if (launch.cgroups) argv = joinArgv(launch.cgroups, argv);
  const env = { ...launch.env, HOME: homePath(w.dir), TERM: "xterm-256color" };
  if (spec.task) {
    w.child = Bun.spawn(argv, { cwd: ws, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    for (const s of [w.child.stdout, w.child.stderr] as ReadableStream<Uint8Array>[]) void pipeToLog(w, s);
  } else {
    const decoder = new TextDecoder();
    w.child = Bun.spawn(argv, {
      cwd: ws,
      env,
      terminal: {
        ...w.size,
        data(_t, data) {
          w.log.text(decoder.decode(data, { stream: true }));
          remember(w, data);
          for (const c of w.clients) c.write(data);
        },
      },
    });
  }
}

async function pipeToLog(w: Supervised, s: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  const reader = s.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    w.log.text(decoder.decode(value, { stream: true }));
  }
}

function remember(w: Supervised, data: Uint8Array) {
  const copy = new Uint8Array(data);
  w.replay.push(copy);
  w.replayBytes += copy.length;
  while (w.replayBytes > REPLAY_BYTES && w.replay.length > 1) w.replayBytes -= w.replay.shift()?.length ?? 0;
}

/** The attach socket: each client gets the recent output, then the live terminal; its frames type and resize. */
async function listenForAttach(w: Supervised): Promise<void> {
  const path = w.launch.socket;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  rmSync(path, { force: true });
  const server = createServer((c) => {
    w.clients.add(c);
    for (const chunk of w.replay) c.write(chunk);
    const read = createFrameReader((f) => {
      const terminal = w.child?.terminal;
      if (f.type === FRAME_INPUT) {
        if (terminal) terminal.write(f.payload);
      } else if (f.type === FRAME_RESIZE) {
        const size = JSON.parse(new TextDecoder().decode(f.payload)) as { cols: number; rows: number };
        if (Number.isInteger(size.cols) && Number.isInteger(size.rows) && size.cols > 0 && size.rows > 0) {
          w.size = { cols: Math.min(size.cols, 1000), rows: Math.min(size.rows, 1000) };
          terminal?.resize(w.size.cols, w.size.rows);
        }
      }
    });
    c.on("data", (chunk: Buffer) => {
      try {
        read(chunk);
      } catch {
        c.destroy();
      }
    });
    const drop = () => w.clients.delete(c);
    c.on("close", drop);
    c.on("error", drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  w.socket = server;
}
