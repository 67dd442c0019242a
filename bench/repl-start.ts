/**
 * Timing the REPL's start-up: an isolated home for the CLI (no user config, a fake API key), the
 * command of the baseline (a bare Bun printing the same prompt and staying alive), and the time
 * from spawning a command until a marker appears on its stdout.
 * @example
 * const home = replHome("loom-bench-");
 * const { ms, proc } = await untilOutput(BARE_PROMPT, PROMPT, home.env, home.dir);
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamText } from "./stream-text.ts";

export const MAIN = join(import.meta.dir, "..", "cli/src/main.ts");
export const PROMPT = "› ";
export const BARE_PROMPT = [
  process.execPath,
  "-e",
  `process.stdout.write("${PROMPT}"); setInterval(() => {}, 1000)`,
];

export interface ReplHome {
  dir: string;
  env: Record<string, string>;
  remove(): void;
}

/** A temporary HOME (with XDG folders inside) and the environment to run the CLI in it; `extra` is added. */
export function replHome(prefix: string, extra: Record<string, string> = {}): ReplHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, "config"),
      XDG_DATA_HOME: join(dir, "data"),
      XDG_STATE_HOME: join(dir, "state"),
      ANTHROPIC_API_KEY: "bench-key",
      NO_COLOR: "1",
      ...extra,
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Spawns `cmd`, resolves with the ms until `marker` appears on stdout; the process stays alive (the caller ends it). */
export async function untilOutput(
  cmd: string[],
  marker: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ ms: number; proc: Bun.Subprocess<"pipe", "pipe", "ignore"> }> {
  const t0 = performance.now();
  const proc = Bun.spawn(cmd, { stdin: "pipe", stdout: "pipe", stderr: "ignore", env, cwd });
  const out = streamText(proc.stdout);
  try {
    await out.until(marker, cmd.join(" "));
  } catch (e) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw e;
  } finally {
    out.release();
  }
  return { ms: performance.now() - t0, proc };
}
