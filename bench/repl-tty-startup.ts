/**
 * The REPL's time to prompt at a terminal, the line editor's path (bench/cli-startup.ts spawns it
 * with piped stdin, where readline reads): run under a pseudo-terminal by `script`, until the
 * prompt is drawn, beside a bare Bun printing a prompt under `script` in the same run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchResult, median } from "./types.ts";

const MAIN = join(import.meta.dir, "..", "cli/src/main.ts");
const PROMPT = "› ";
const RUNS = 10;
const GOAL_MS = 150;

async function untilPrompt(command: string, env: Record<string, string>, cwd: string): Promise<number> {
  const t0 = performance.now();
  const proc = Bun.spawn(["script", "-qfec", command, "/dev/null"], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "ignore",
    env,
    cwd,
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  try {
    for (let i = 0; i < 10_000 && !seen.includes(PROMPT); i++) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${command} exited before its prompt: ${seen}`);
      seen += decoder.decode(value, { stream: true });
    }
    return performance.now() - t0;
  } finally {
    reader.releaseLock();
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

export async function run(): Promise<BenchResult[]> {
  if (Bun.which("script") === null)
    return [
      {
        name: "REPL time to prompt at a terminal",
        value: 0,
        unit: "ms",
        goal: `<= ${GOAL_MS} ms (script(1) unavailable)`,
        ok: false,
      },
    ];
  const home = mkdtempSync(join(tmpdir(), "loom-bench-tty-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "data"),
    XDG_STATE_HOME: join(home, "state"),
    ANTHROPIC_API_KEY: "bench-key",
    NO_COLOR: "1",
    TERM: "xterm-256color",
  };
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const bare = `${q(process.execPath)} -e ${q(`process.stdout.write("${PROMPT}"); setInterval(() => {}, 1000)`)}`;
  const loom = `${q(process.execPath)} ${q(MAIN)}`;
  const loomMs: number[] = [];
  const bareMs: number[] = [];
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      const b = await untilPrompt(bare, env, home);
      const l = await untilPrompt(loom, env, home);
      if (i >= 2) {
        bareMs.push(b);
        loomMs.push(l);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const t = median(loomMs);
  const b = median(bareMs);
  return [
    {
      name: "REPL time to prompt at a terminal (line editor, from source)",
      value: t,
      unit: "ms",
      goal: `<= ${GOAL_MS} ms`,
      ok: t <= GOAL_MS,
      baseline: { name: "bun printing a prompt", value: b },
      ratio: t / b,
    },
  ];
}

if (import.meta.main) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
