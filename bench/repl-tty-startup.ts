/**
 * The REPL's time to prompt at a terminal, the line editor's path (bench/cli-startup.ts spawns it
 * with piped stdin, where readline reads): run under a pseudo-terminal by `script`, until the
 * prompt is drawn, beside a bare Bun printing a prompt under `script` in the same run.
 */
import { BARE_PROMPT, MAIN, PROMPT, replHome, untilOutput } from "./repl-start.ts";
import { type BenchResult, median } from "./types.ts";

const RUNS = 10;
const GOAL_MS = 150;

/** The ms until `cmd` draws its prompt under a pseudo-terminal (`script`); then it is killed. */
async function untilPrompt(cmd: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = cmd.map(q).join(" ");
  const { ms, proc } = await untilOutput(["script", "-qfec", command, "/dev/null"], PROMPT, env, cwd);
  proc.kill("SIGKILL");
  await proc.exited;
  return ms;
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
  const home = replHome("loom-bench-tty-", { TERM: "xterm-256color" });
  const loom = [process.execPath, MAIN];
  const loomMs: number[] = [];
  const bareMs: number[] = [];
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      const b = await untilPrompt(BARE_PROMPT, home.env, home.dir);
      const l = await untilPrompt(loom, home.env, home.dir);
      if (i >= 2) {
        bareMs.push(b);
        loomMs.push(l);
      }
    }
  } finally {
    home.remove();
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
