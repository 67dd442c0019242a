/**
 * The sandbox of `loom tools call`: the same policy as a session's (`[sandbox]`, `--sandbox`, the
 * configured permission mode). The user typed the command themself, so when no sandbox can be
 * made here it says so on stderr and runs the command without one, as an approved call in `ask`
 * mode would.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import type { Env } from "@loom/runtime/paths";
import { createSandbox } from "@loom/runtime/sandbox";
import { sandboxPolicy } from "@loom/runtime/sandbox/policy";
import type { Sandbox, SandboxMode } from "@loom/runtime/sandbox/types";

export function directCallSandbox(
  config: Pick<LoomConfig, "sandbox" | "agent">,
  env: Env,
  mode?: SandboxMode,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Sandbox {
  const settings = mode ? { ...config.sandbox, mode } : config.sandbox;
  return createSandbox(sandboxPolicy(settings, config.agent.permission_mode, env), {
    onUnavailable: (reason) => {
      write(`loom: no sandbox for commands: ${reason}; this call runs unsandboxed\n`);
      return true;
    },
  });
}
