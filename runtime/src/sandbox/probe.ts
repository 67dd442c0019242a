/**
 * Can a sandbox be made here? Runs bubblewrap once with the flags every sandbox uses: a missing
 * binary or a kernel that refuses user namespaces shows up as a reason, not as a failed command.
 */
import { spawn } from "node:child_process";
import { bwrapArgs } from "./bwrap-args.ts";

export type ProbeResult = { ok: true; bwrap: string } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 10_000;

export function findBwrap(env: Record<string, string | undefined> = process.env): string | undefined {
  return Bun.which("bwrap", { PATH: env.PATH ?? "/usr/bin:/bin" }) ?? undefined;
}

export async function probeSandbox(bwrap: string | undefined): Promise<ProbeResult> {
  if (!bwrap)
    return {
      ok: false,
      reason: "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)",
    };
  const args = bwrapArgs(
    { mode: "read-only", network: "none", hidden: [], writable: [] },
    { workspaceRoot: "/", cwd: "/" },
    ["true"],
  );
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn(bwrap, args, { stdio: ["ignore", "ignore", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), PROBE_TIMEOUT_MS);
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 2000) stderr += c.toString("utf8");
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `${bwrap} could not start: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true, bwrap });
      resolve({ ok: false, reason: probeFailure(bwrap, stderr, code, signal) });
    });
  });
}

/** Why a probe failed, from bwrap's stderr: too old a bwrap, or a kernel that refuses the namespaces. */
export function probeFailure(
  bwrap: string,
  stderr: string,
  code: number | null,
  signal: string | null,
): string {
  const why = stderr.trim().split("\n")[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
  if (/Unknown option|unrecognized option/i.test(why))
    return `${bwrap} is too old (bubblewrap 0.8 or newer is needed for --disable-userns and --size): ${why}`;
  return `bubblewrap cannot create a sandbox here (user namespaces refused?): ${why}`;
}
