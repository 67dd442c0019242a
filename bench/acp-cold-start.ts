/**
 * `loom acp-agent` cold start as an editor sees it: spawn → the `initialize` answer on stdout,
 * from source and as `dist/loom` (rebuilt when a source is newer). Each round runs every command
 * once, interleaved, so load on the machine falls on all of them alike; baselines are `bun -e 0`
 * and a bare agent on the ACP SDK that answers only `initialize`.
 * Peer (measured side by side, issue 11): codex-acp ~71 ms.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createSandbox } from "../tests/acp/harness.ts";
import { type BenchResult, median } from "./types.ts";

const root = join(import.meta.dir, "..");
const ROUNDS = 20;
const WARMUP = 2;
const SOURCE_GOAL_MS = 100;
const BINARY_GOAL_MS = 60;
const INIT = `${JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: 1, clientCapabilities: {} } })}\n`;

/** Spawn to the first line on stdout (the initialize answer); the process is then ended, untimed. */
async function toInitialize(cmd: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn(cmd, { cwd, env, stdin: "pipe", stdout: "pipe", stderr: "ignore" });
  p.stdin.write(INIT);
  await p.stdin.flush();
  const reader = p.stdout.getReader();
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const ms = performance.now() - t0;
  reader.releaseLock();
  p.stdin.end();
  await p.exited;
  if (!text.includes('"id":0') || !text.includes('"result"'))
    throw new Error(`${cmd.join(" ")}: no initialize answer (got ${JSON.stringify(text.slice(0, 200))})`);
  return ms;
}

async function timeExit(cmd: string[]): Promise<number> {
  const t0 = performance.now();
  await Bun.spawn(cmd, { stdout: "ignore", stderr: "ignore" }).exited;
  return performance.now() - t0;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts") || e.parentPath.includes("node_modules")) continue;
    newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** `dist/loom`, rebuilt first when missing or older than any source it is built from. */
function freshBinary(): string {
  const bin = join(root, "dist/loom");
  let built = 0;
  try {
    built = statSync(bin).mtimeMs;
  } catch {}
  const sources = Math.max(...["cli/src", "runtime/src", "plugins"].map((d) => newestMtime(join(root, d))));
  if (built < sources) {
    process.stderr.write("bench: dist/loom is missing or stale, running `bun run build` …\n");
    const p = Bun.spawnSync([process.execPath, "run", "build"], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    if (p.exitCode !== 0)
      throw new Error(`bun run build failed: ${p.stderr.toString().trim().split("\n").at(-1)}`);
  }
  return bin;
}

export async function run(): Promise<BenchResult[]> {
  const bin = freshBinary();
  const sb = await createSandbox({ turns: [] });
  try {
    const bun = process.execPath;
    const commands = {
      base: [bun, "-e", "0"],
      bare: [bun, join(import.meta.dir, "fixtures/bare-acp-agent.ts")],
      source: [bun, join(root, "cli/src/main.ts"), "acp-agent"],
      binary: [bin, "acp-agent"],
    };
    const times: Record<keyof typeof commands, number[]> = { base: [], bare: [], source: [], binary: [] };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const round = {
        base: await timeExit(commands.base),
        bare: await toInitialize(commands.bare, sb.env, sb.workspace),
        source: await toInitialize(commands.source, sb.env, sb.workspace),
        binary: await toInitialize(commands.binary, sb.env, sb.workspace),
      };
      if (i >= WARMUP) for (const k of Object.keys(round) as (keyof typeof round)[]) times[k].push(round[k]);
    }
    const base = median(times.base);
    const baseline = { name: "bun -e 0", value: base };
    const row = (name: string, xs: number[], goalMs: number | undefined): BenchResult[] => {
      const m = median(xs);
      const max = Math.max(...xs);
      return [
        {
          name: `${name}, median of ${xs.length}`,
          value: m,
          unit: "ms",
          goal: goalMs === undefined ? "none (baseline)" : `<= ${goalMs} ms`,
          ok: goalMs === undefined || m <= goalMs,
          baseline,
          ratio: m / base,
        },
        {
          name: `${name}, max of ${xs.length}`,
          value: max,
          unit: "ms",
          goal:
            goalMs === undefined ? "none (baseline)" : `none (median <= ${goalMs} ms; max for the spread)`,
          ok: true,
          baseline,
          ratio: max / base,
        },
      ];
    };
    return [
      ...row("loom acp-agent (source) cold start to initialize answer", times.source, SOURCE_GOAL_MS),
      ...row("dist/loom acp-agent cold start to initialize answer", times.binary, BINARY_GOAL_MS),
      ...row("bare ACP SDK agent (bun) cold start to initialize answer", times.bare, undefined),
    ];
  } finally {
    await sb.cleanup();
  }
}
