/**
 * Shared set-up for CLI tests: a throwaway HOME with XDG dirs, a git repository to work in, and
 * a runner for the real `loom` command as a subprocess.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const MAIN = join(import.meta.dir, "..", "..", "cli", "src", "main.ts");

/** An environment of only PATH plus a HOME and XDG dirs of its own under `root`: nothing of the user's leaks in. */
export function isolatedEnv(root: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "home"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_STATE_HOME: join(root, "state"),
    XDG_CACHE_HOME: join(root, "cache"),
  };
}

export interface Sandbox {
  root: string;
  workspace: string;
  env: Record<string, string>;
  write(rel: string, text: string): void;
  git(...args: string[]): string;
  cleanup(): void;
}

export function createSandbox(files: Record<string, string> = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "loom-cli-"));
  const workspace = join(root, "repo");
  mkdirSync(workspace);
  const env: Record<string, string> = {
    ...isolatedEnv(root),
    NO_COLOR: "1",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    writeFileSync(join(workspace, rel), text);
  };
  const git = (...args: string[]) => {
    const p = Bun.spawnSync(["git", ...args], { cwd: workspace, env });
    if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
    return p.stdout.toString().trim();
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "initial");
  return { root, workspace, env, write, git, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function loom(
  sb: Sandbox,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const proc = Bun.spawn(["bun", MAIN, ...args], {
    cwd: opts.cwd ?? sb.workspace,
    env: { ...sb.env, ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export function jsonLines(text: string): Array<Record<string, unknown> & { type: string }> {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}
