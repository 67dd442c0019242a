/** Shared pieces for end-to-end tests that run the real `loom` command. */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
export const LOOM = join(ROOT, "cli/src/main.ts");

/** A temporary git repo holding a copy of tests/fixtures/sample-repo, plus private XDG dirs. */
export function sampleWorkspace(): { dir: string; workspace: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "loom-e2e-"));
  const workspace = join(dir, "ws");
  cpSync(join(ROOT, "tests/fixtures/sample-repo"), workspace, { recursive: true });
  const git = (...args: string[]) =>
    Bun.spawnSync(["git", ...args], { cwd: workspace, stdout: "ignore", stderr: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
    NO_COLOR: "1",
  };
  return { dir, workspace, env };
}

export async function runLoom(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; stdin?: string; timeoutMs?: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, LOOM, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
