/**
 * Sandbox start-up cost per command: the real bash tool running `true` in a git workspace, in the
 * workspace-write sandbox (bubblewrap) and unsandboxed, alternated so load hits both alike. The
 * figure is the p50 difference; the baseline is the unsandboxed p50. A second figure: the same
 * with a host allow-list (`[sandbox] network = ["registry.npmjs.org"]`), where the command runs
 * under the in-sandbox relay (a Bun process) and the filtering proxy is already up.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bashTool } from "@loom/plugin-bash/bash";
import { createSandbox } from "@loom/runtime/sandbox";
import { sandboxPolicy } from "@loom/runtime/sandbox/policy";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import type { Sandbox } from "@loom/runtime/sandbox/types";
import { type BenchResult, percentile } from "./types.ts";

const RUNS = 60;
const GOAL_MS = 15;
/** The relay is a Bun start-up inside the sandbox: a budget, not the per-command goal of the issue. */
const PROXY_GOAL_MS = 80;

export async function run(): Promise<BenchResult[]> {
  const probe = await probeSandbox(findBwrap());
  if (!probe.ok) throw new Error(`no sandbox here: ${probe.reason}`);
  const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-bench-sandbox-")));
  const ws = join(root, "ws");
  mkdirSync(ws);
  Bun.spawnSync(["git", "init", "-q", ws]);
  const sandbox = createSandbox(
    sandboxPolicy({ network: [], hidden: [], writable: [] }, "auto", process.env),
    {
      onUnavailable: () => false,
    },
  );
  const withHosts = createSandbox(
    sandboxPolicy({ network: ["registry.npmjs.org"], hidden: [], writable: [] }, "auto", process.env),
    { onUnavailable: () => false },
  );
  const once = async (s: Sandbox | undefined): Promise<number> => {
    const t = performance.now();
    const r = await bashTool.invoke(
      { command: "true" },
      {
        workspaceRoot: ws,
        signal: new AbortController().signal,
        callId: "bench",
        ...(s ? { sandbox: s } : {}),
      },
    );
    const ms = performance.now() - t;
    const out = r.output as { exit_code?: number; sandbox?: string };
    if (out.exit_code !== 0 || out.sandbox !== (s ? "workspace-write" : "none"))
      throw new Error(`bench command failed: ${JSON.stringify(r.output)}`);
    return ms;
  };
  try {
    for (let i = 0; i < 5; i++) await Promise.all([once(sandbox), once(undefined), once(withHosts)]);
    const boxed: number[] = [];
    const plain: number[] = [];
    const proxied: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      boxed.push(await once(sandbox));
      plain.push(await once(undefined));
      if (i % 2 === 0) proxied.push(await once(withHosts));
    }
    const base = percentile(plain, 50);
    const p50 = percentile(boxed, 50);
    const proxyP50 = percentile(proxied, 50);
    return [
      {
        name: "sandbox start-up per command (p50, bash true, sandboxed - unsandboxed)",
        value: p50 - base,
        unit: "ms",
        goal: `<= ${GOAL_MS} ms`,
        ok: p50 - base <= GOAL_MS,
        baseline: { name: "unsandboxed p50", value: base },
        ratio: p50 / base,
      },
      {
        name: "sandbox start-up with a host allow-list (p50, bash true, relay + proxy - unsandboxed)",
        value: proxyP50 - base,
        unit: "ms",
        goal: `<= ${PROXY_GOAL_MS} ms`,
        ok: proxyP50 - base <= PROXY_GOAL_MS,
        baseline: { name: "unsandboxed p50", value: base },
        ratio: proxyP50 / base,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
