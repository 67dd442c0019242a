/**
 * A sandbox world for the escape suite: a fake HOME with credential canaries, a git workspace and
 * a directory outside it, under /var/tmp (not /tmp: the sandbox's /tmp is private, which would make
 * every "outside" write vanish for the wrong reason). The real bash tool runs in the real sandbox.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bashTool } from "@loom/plugin-bash/bash";
import { createSandbox } from "@loom/runtime/sandbox";
import { sandboxPolicy } from "@loom/runtime/sandbox/policy";
import type { Sandbox, SandboxMode } from "@loom/runtime/sandbox/types";

export const CANARY = "CANARY-7f3a-do-not-leak";

export interface World {
  base: string;
  home: string;
  ws: string;
  outside: string;
  victim: string;
  cleanup(): void;
}

export function makeWorld(): World {
  const parent = existsSync("/var/tmp") ? "/var/tmp" : tmpdir();
  const base = realpathSync(mkdtempSync(join(parent, "loom-sandbox-")));
  const home = join(base, "home");
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  for (const d of [join(home, ".ssh"), join(home, ".aws"), join(home, ".config", "loom"), ws, outside])
    mkdirSync(d, { recursive: true });
  writeFileSync(join(home, ".ssh", "id_ed25519"), `${CANARY}-ssh\n`);
  writeFileSync(join(home, ".aws", "credentials"), `${CANARY}-aws\n`);
  writeFileSync(join(home, ".netrc"), `machine x login y password ${CANARY}-netrc\n`);
  writeFileSync(join(home, ".config", "loom", "credentials.json"), `{"t":"${CANARY}-loom"}\n`);
  const victim = join(outside, "victim.txt");
  writeFileSync(victim, "original\n");
  const git = Bun.spawnSync(["git", "init", "-q", ws]);
  if (git.exitCode !== 0) throw new Error(`git init failed: ${git.stderr.toString()}`);
  return { base, home, ws, outside, victim, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export function worldSandbox(
  w: World,
  mode: SandboxMode = "workspace-write",
  network: string[] = [],
): Sandbox {
  const policy = sandboxPolicy({ mode, network, hidden: [], writable: [] }, "auto", { HOME: w.home });
  return createSandbox(policy, { onUnavailable: () => false });
}

export type BashOut = {
  exit_code: number | null;
  timed_out: boolean;
  stdout: string;
  stderr: string;
  sandbox: string;
  sandbox_denied?: string;
};

export async function bash(
  w: World,
  sandbox: Sandbox,
  command: string,
  extra: { timeout_ms?: number } = {},
): Promise<BashOut> {
  const r = await bashTool.invoke(
    { command, ...extra },
    { workspaceRoot: w.ws, signal: new AbortController().signal, callId: "t", sandbox },
  );
  if (typeof r.output === "string") throw new Error(r.output);
  return r.output as BashOut;
}
