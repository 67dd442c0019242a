/**
 * A 2-turn headless `loom run` (the model reads a file, then answers) against the fake model
 * server, end to end: spawn to exit, and spawn to the first model request. Measured for the
 * compiled `dist/loom` (rebuilt first when sources are newer) and from source, runs interleaved
 * with a bare `bun -e 0` as the baseline. Goal: <= 80 ms for dist/loom.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Script } from "../tests/fixtures/fake-upstream/script.ts";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { ensureFreshBuild } from "./fresh-build.ts";
import { type BenchResult, median } from "./types.ts";

const root = join(import.meta.dir, "..");
const RUNS = 15;
const WARMUP = 2;
const GOAL_MS = 80;

const SCRIPT: Script = {
  turns: [
    { text: "Reading it.", toolCalls: [{ name: "read_file", input: { path: "check.js" } }] },
    { text: "It checks `sum`." },
  ],
  onExhausted: "error",
};

function sandbox(): { dir: string; workspace: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "loom-bench-run-"));
  const workspace = join(dir, "repo");
  cpSync(join(root, "tests/fixtures/sample-repo"), workspace, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_DATA_HOME: join(dir, "data"),
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
    NO_COLOR: "1",
    GIT_AUTHOR_NAME: "Bench",
    GIT_AUTHOR_EMAIL: "bench@example.com",
    GIT_COMMITTER_NAME: "Bench",
    GIT_COMMITTER_EMAIL: "bench@example.com",
  };
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["add", "."],
    ["commit", "-q", "-m", "initial"],
  ]) {
    Bun.spawnSync(["git", ...args], { cwd: workspace, env });
  }
  return { dir, workspace, env };
}

interface Timing {
  total: number;
  firstRequest: number;
  /** The process's own user + system CPU time: steadier than wall time on a loaded machine. */
  cpu: number;
}

export async function run(): Promise<BenchResult[]> {
  const compiled = await ensureFreshBuild();
  let firstAt = 0;
  const up = await startFakeUpstream({
    script: SCRIPT,
    onRequest: () => {
      firstAt ||= performance.now();
    },
  });
  const sb = sandbox();
  const env = { ...sb.env, ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "bench-key" };
  const once = async (cmd: string[]): Promise<Timing> => {
    up.setScript(SCRIPT);
    firstAt = 0;
    const t0 = performance.now();
    const proc = Bun.spawn(cmd, { cwd: sb.workspace, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    const total = performance.now() - t0;
    if (code !== 0 || up.requests.length !== SCRIPT.turns.length) {
      throw new Error(`${cmd.join(" ")} exited ${code} after ${up.requests.length} requests: ${err || out}`);
    }
    const usage = proc.resourceUsage();
    const cpu = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : Number.NaN;
    return { total, firstRequest: firstAt - t0, cpu };
  };
  const args = ["run", "what does check.js do?"];
  const bin: Timing[] = [];
  const src: Timing[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const b0 = performance.now();
      await Bun.spawn([process.execPath, "-e", "0"], { stdout: "ignore", stderr: "ignore" }).exited;
      const b = performance.now() - b0;
      const c = await once([compiled, ...args]);
      const s = await once([process.execPath, join(root, "cli/src/main.ts"), ...args]);
      if (i < WARMUP) continue;
      bare.push(b);
      bin.push(c);
      src.push(s);
    }
  } finally {
    await up.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  }
  const baseline = { name: "bun -e 0", value: median(bare) };
  const row = (name: string, value: number, goal: string, ok: boolean): BenchResult => ({
    name,
    value,
    unit: "ms",
    goal,
    ok,
    baseline,
    ratio: value / baseline.value,
  });
  const binTotal = median(bin.map((t) => t.total));
  const srcTotal = median(src.map((t) => t.total));
  const binFirst = median(bin.map((t) => t.firstRequest));
  const srcFirst = median(src.map((t) => t.firstRequest));
  return [
    row("2-turn headless run, dist/loom (median)", binTotal, `<= ${GOAL_MS} ms`, binTotal <= GOAL_MS),
    row("  of which before the first model request", binFirst, "report", true),
    row("  its CPU time (user + system)", median(bin.map((t) => t.cpu)), "report", true),
    row("2-turn headless run, from source (median)", srcTotal, "report", true),
    row("  of which before the first model request", srcFirst, "report", true),
  ];
}
