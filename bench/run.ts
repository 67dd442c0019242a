/**
 * `bun run bench [name…]`: runs every bench/*.ts that exports `run()` (or only the named ones) and prints
 * each figure beside its goal and baseline. Exit code 0 even when a goal is missed: the table is the report.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchResult } from "./types.ts";

const dir = import.meta.dir;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f) && !f.endsWith(".test.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(4);
const rows: string[] = [];
let missed = 0;
for (const f of files) {
  const mod = (await import(join(dir, f))) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== "function") continue;
  process.stderr.write(`bench: ${f} …\n`);
  try {
    for (const r of await mod.run()) {
      if (!r.ok) missed++;
      const base = r.baseline ? `${r.baseline.name} = ${fmt(r.baseline.value)} ${r.unit}` : "";
      const ratio = r.ratio !== undefined ? `ratio ${r.ratio.toFixed(2)}x` : "";
      const line = `${r.ok ? "ok  " : "MISS"}  ${r.name}: ${fmt(r.value)} ${r.unit}  (goal ${r.goal})  ${base}  ${ratio}`;
      rows.push(line.trimEnd());
      process.stdout.write(`${line.trimEnd()}\n`);
    }
  } catch (e) {
    missed++;
    process.stdout.write(`FAIL  ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
process.stdout.write(`\n${rows.length} figures, ${missed} goals missed\n`);
