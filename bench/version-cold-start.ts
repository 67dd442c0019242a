/**
 * `loom --version` cold start next to `bun -e 0`, both measured here, alternating, many times.
 * `dist/loom` is rebuilt first when it is older than its sources, so the figure is this code's.
 */
import { join } from "node:path";
import { ensureFreshBuild } from "./fresh-build.ts";
import { type BenchResult, median } from "./types.ts";

const root = join(import.meta.dir, "..");

function time(cmd: string[]): number {
  const t0 = performance.now();
  const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe", cwd: root });
  const dt = performance.now() - t0;
  if (p.exitCode !== 0)
    throw new Error(`${cmd.join(" ")} exited ${p.exitCode}: ${p.stderr.toString().trim()}`);
  return dt;
}

export async function run(): Promise<BenchResult[]> {
  const runs = 30;
  const bun = process.execPath;
  const src = [bun, join(root, "cli/src/main.ts"), "--version"];
  const bin = await ensureFreshBuild();
  const base: number[] = [];
  const fromSource: number[] = [];
  const compiled: number[] = [];
  for (let i = 0; i < 3; i++) {
    time([bun, "-e", "0"]);
    time(src);
  }
  for (let i = 0; i < runs; i++) {
    base.push(time([bun, "-e", "0"]));
    fromSource.push(time(src));
    compiled.push(time([bin, "--version"]));
  }
  const b = median(base);
  const out: BenchResult[] = [];
  const s = median(fromSource);
  out.push({
    name: "bun cli/src/main.ts --version (from source, for reference)",
    value: s,
    unit: "ms",
    goal: "none; the goal applies to dist/loom",
    ok: true,
    baseline: { name: "bun -e 0", value: b },
    ratio: s / b,
  });
  if (compiled.length) {
    const c = median(compiled);
    out.push({
      name: "dist/loom --version cold start (compiled)",
      value: c,
      unit: "ms",
      goal: "<= 3x bun -e 0",
      ok: c <= 3 * b,
      baseline: { name: "bun -e 0", value: b },
      ratio: c / b,
    });
  }
  return out;
}
