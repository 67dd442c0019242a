/**
 * The session's sandbox for the commands the agent runs: the policy from `[sandbox]` (or
 * `--sandbox`) and the permission mode, and what happens when no sandbox can be made here. That is
 * said once, as a notice; then in `ask` mode with someone to ask, commands run unsandboxed (the
 * user approves each one anyway); in `auto` mode the user is asked once whether to go on without
 * a sandbox, and a headless run refuses; `danger-full-access` never needs a sandbox.
 */
import type { LoomConfig, PermissionMode } from "@loom/runtime/config/schema";
import type { Env } from "@loom/runtime/paths";
import { createSandbox } from "@loom/runtime/sandbox";
import { sandboxPolicy } from "@loom/runtime/sandbox/policy";
import type { Sandbox } from "@loom/runtime/sandbox/types";

export interface SessionSandboxOptions {
  config: Pick<LoomConfig, "sandbox">;
  env: Env;
  notice(message: string): void;
  /** Asks whether commands may run without a sandbox (auto mode at a terminal); absent: refused. */
  askUnsandboxed?: (reason: string) => Promise<boolean>;
  /** Asks whether a command the sandbox refused may run once outside it; absent: never. */
  askOutside?: Sandbox["askOutside"];
  /** The bwrap binary (tests); default: `bwrap` on PATH. */
  bwrap?: string | null;
}

export type SandboxFor = (mode: PermissionMode, canAskEachCall: boolean) => Sandbox;

/** A sandbox per permission mode (the default sandbox mode follows it); bad `[sandbox]` settings throw here, at start. */
export function sessionSandboxes(opts: SessionSandboxOptions): SandboxFor {
  sandboxPolicy(opts.config.sandbox, "auto", opts.env);
  let told = false;
  let answer: Promise<boolean> | undefined;
  const decide = async (mode: PermissionMode, canAskEachCall: boolean, reason: string): Promise<boolean> => {
    if (mode === "ask" && canAskEachCall) return true;
    if (mode !== "auto" || !opts.askUnsandboxed) return false;
    answer ??= opts.askUnsandboxed(reason).catch(() => false);
    return answer;
  };
  return (mode, canAskEachCall) =>
    createSandbox(sandboxPolicy(opts.config.sandbox, mode, opts.env), {
      ...(opts.bwrap !== undefined ? { bwrap: opts.bwrap } : {}),
      ...(opts.askOutside ? { askOutside: opts.askOutside } : {}),
      onUnavailable: async (reason) => {
        const allowed = await decide(mode, canAskEachCall, reason);
        if (!told) {
          told = true;
          opts.notice(
            allowed
              ? `no sandbox for commands: ${reason}; they run unsandboxed`
              : `no sandbox for commands: ${reason}; commands are refused (--sandbox danger-full-access runs them without one)`,
          );
        }
        return allowed;
      },
    });
}
