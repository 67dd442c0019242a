/**
 * The sandbox contract tools see in their context (`ctx.sandbox`). One sandbox per session, built
 * from the policy (`policy.ts`); tools that start processes (bash, `loom tools call`) ask it how to
 * launch a command line.
 */

export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

/**
 * `none`: the sandbox's own loopback only; `host`: the host's network, unfiltered; `hosts`: its own
 * loopback plus the hosts of `SandboxPolicy.hosts`, through Loom's filtering proxy.
 */
export type SandboxNetwork = "none" | "host" | "hosts";

export interface SandboxPolicy {
  mode: SandboxMode;
  network: SandboxNetwork;
  /** With `network: "hosts"`: the allow-list, as `[sandbox] network` entries (host-rules.ts). */
  hosts?: string[];
  /** Absolute paths hidden even from reads (credential stores); missing ones are skipped. */
  hidden: string[];
  /** Absolute paths writable in `workspace-write` besides the workspace, its git dirs and /tmp. */
  writable: string[];
}

/** How to start one command: `argv[0]` is the program to spawn. */
export type Launch =
  | { kind: "run"; argv: string[]; sandboxed: boolean }
  /** The command must not run: a message the model can act on. */
  | { kind: "refused"; message: string };

export interface Sandbox {
  readonly policy: SandboxPolicy;
  /** Wraps `argv` (run in `cwd`, inside `workspaceRoot`) in the sandbox, or says why it cannot run. */
  launch(argv: string[], where: { workspaceRoot: string; cwd: string }): Promise<Launch>;
  /**
   * Asked after a sandboxed command failed because of the sandbox: may it run once outside?
   * Absent (headless): never.
   */
  askOutside?(command: string, denial: string, signal: AbortSignal, callId: string): Promise<boolean>;
}
