/**
 * The session's sandbox: wraps each command line in bubblewrap per the policy. Whether a sandbox
 * can be made is probed once, on the first command; when it cannot, `onUnavailable` decides once
 * (say so, ask, or refuse) and every later command follows that answer.
 * @example
 * const sandbox = createSandbox(policy, { onUnavailable: async () => false });
 * const launch = await sandbox.launch(["bash", "-c", "make"], { workspaceRoot, cwd: workspaceRoot });
 */
import { bwrapArgs } from "./bwrap-args.ts";
import { parseHostRules } from "./host-rules.ts";
import { sharedNetProxy } from "./net-proxy.ts";
import { findBwrap, probeSandbox } from "./probe.ts";
import type { Launch, Sandbox, SandboxPolicy } from "./types.ts";

export interface SandboxOptions {
  /** The bwrap binary (default: `bwrap` on PATH); `null`: none (tests of the unavailable path). */
  bwrap?: string | null;
  /** No sandbox can be made: may commands run without one? Called at most once per sandbox. */
  onUnavailable(reason: string): Promise<boolean> | boolean;
  askOutside?: Sandbox["askOutside"];
}

export function unavailableRefusal(reason: string): string {
  return (
    `SANDBOX_UNAVAILABLE: the command did not run: ${reason}. ` +
    "Commands run only inside the sandbox in this session; the user can rerun with --sandbox danger-full-access to allow them without one."
  );
}

export function createSandbox(policy: SandboxPolicy, opts: SandboxOptions): Sandbox {
  let decided: Promise<{ bwrap: string } | { unsandboxed: boolean; reason: string }> | undefined;
  const decide = () => {
    decided ??= (async () => {
      const probe = await probeSandbox(opts.bwrap === null ? undefined : (opts.bwrap ?? findBwrap()));
      if (probe.ok) return { bwrap: probe.bwrap };
      return { unsandboxed: await opts.onUnavailable(probe.reason), reason: probe.reason };
    })();
    return decided;
  };
  return {
    policy,
    ...(opts.askOutside ? { askOutside: opts.askOutside } : {}),
    async launch(argv, where): Promise<Launch> {
      if (policy.mode === "danger-full-access") return { kind: "run", argv, sandboxed: false };
      const d = await decide();
      if ("bwrap" in d) {
        const proxyDir =
          policy.network === "hosts"
            ? (await sharedNetProxy(parseHostRules(policy.hosts ?? []))).dir
            : undefined;
        const args = bwrapArgs(policy, { ...where, ...(proxyDir ? { proxyDir } : {}) }, argv);
        return { kind: "run", argv: [d.bwrap, ...args], sandboxed: true };
      }
      if (d.unsandboxed) return { kind: "run", argv, sandboxed: false };
      return { kind: "refused", message: unavailableRefusal(d.reason) };
    },
  };
}
