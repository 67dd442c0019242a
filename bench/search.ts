/**
 * Search tools on a generated 100k-file repository: in-process grep vs ripgrep, glob vs `git ls-files`,
 * measured in the same run. The tree is generated once under os.tmpdir() and reused.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clearDirCache } from "@loom/plugin-fs/dir-cache";
import { globTool } from "@loom/plugin-fs/glob";
import { grepTool } from "@loom/plugin-fs/grep";
import type { ToolContext } from "@loom/runtime/tool";
import { type BenchResult, median } from "./types.ts";

const TREE = join(tmpdir(), "loom-bench-search-v1");
const MARKER = join(TREE, ".loom-bench-complete");
const FANOUT = 10; // 10 × 10 × 10 leaf directories
const FILES_PER_LEAF = 100; // → 100,000 tracked files
const IGNORED_FILES = 5_000; // under node_modules/, ignored by .gitignore
const RUNS = 5;

const WORDS = ["alpha", "beta", "gamma", "delta", "render", "parse", "value", "index", "buffer", "state"];

function fileText(n: number): string {
  const lines: string[] = [`// file ${n}`, `import { ${WORDS[n % 10]} } from "./mod-${n % 97}";`];
  for (let i = 0; i < 30; i++) {
    const w = WORDS[(n + i) % 10];
    lines.push(`export function ${w}_${n}_${i}(x: number): number { return x * ${i} + ${n % 13}; }`);
  }
  if (n % 211 === 0) lines.push(`const marker = "needle_${n}"; // rare literal`);
  return `${lines.join("\n")}\n`;
}

/** The generated 100k-file repository (shared with bench/mention-complete.ts); its root. */
export async function ensureSearchTree(): Promise<string> {
  await ensureTree();
  return TREE;
}

async function ensureTree(): Promise<void> {
  if (existsSync(MARKER)) return;
  rmSync(TREE, { recursive: true, force: true });
  let n = 0;
  for (let a = 0; a < FANOUT; a++)
    for (let b = 0; b < FANOUT; b++)
      for (let c = 0; c < FANOUT; c++) {
        const dir = join(TREE, "src", `pkg${a}`, `mod${b}`, `part${c}`);
        mkdirSync(dir, { recursive: true });
        for (let f = 0; f < FILES_PER_LEAF; f++) writeFileSync(join(dir, `file${f}.ts`), fileText(n++));
      }
  for (let i = 0; i < IGNORED_FILES; i++) {
    const dir = join(TREE, "node_modules", `dep${i % 50}`);
    if (i < 50) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `index${i}.js`), `const marker = "needle_${i}";\n`);
  }
  writeFileSync(join(TREE, ".gitignore"), "node_modules/\n*.log\n");
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", ...args], { cwd: TREE, stdout: "ignore", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.toString().trim()}`);
  };
  git("init", "-q");
  git("add", "-A");
  writeFileSync(MARKER, new Date().toISOString());
}

const ctx: ToolContext = { workspaceRoot: TREE, signal: new AbortController().signal, callId: "bench" };

async function timeTool(invoke: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await invoke();
  return performance.now() - t;
}

function timeCommand(cmd: string[]): number | undefined {
  const t = performance.now();
  const r = Bun.spawnSync(cmd, { cwd: TREE, stdout: "pipe", stderr: "ignore" });
  const ms = performance.now() - t;
  return r.exitCode === 0 || r.exitCode === 1 ? ms : undefined; // rg exits 1 on no match
}

function hasCommand(name: string): boolean {
  return Bun.which(name) !== null;
}

/** Runs ours and the baseline alternately RUNS times (after a warm-up) and compares medians. */
async function compare(
  name: string,
  goalRatio: number,
  ours: () => Promise<unknown>,
  baselineName: string,
  baseline: string[] | undefined,
): Promise<BenchResult> {
  await ours();
  if (baseline) timeCommand(baseline);
  const o: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    o.push(await timeTool(ours));
    const ms = baseline ? timeCommand(baseline) : undefined;
    if (ms !== undefined) b.push(ms);
  }
  const value = median(o);
  const goal = `<= ${goalRatio}x ${baselineName}`;
  if (b.length === 0) return { name, value, unit: "ms", goal: `${goal} (baseline unavailable)`, ok: false };
  const base = median(b);
  const ratio = value / base;
  return {
    name,
    value,
    unit: "ms",
    goal,
    ok: ratio <= goalRatio,
    baseline: { name: baselineName, value: base },
    ratio,
  };
}

export async function run(): Promise<BenchResult[]> {
  await ensureTree();
  const rg = hasCommand("rg");
  const grep = (input: Record<string, unknown>) => () =>
    grepTool.invoke({ max_results: 2000, ...input }, ctx);
  const glob = (input: Record<string, unknown>) => () =>
    globTool.invoke({ max_results: 10_000, ...input }, ctx);
  return [
    await compare(
      "grep literal, 100k files",
      1.5,
      grep({ pattern: "needle_", literal: true }),
      "rg -F",
      rg ? ["rg", "-n", "--no-heading", "-F", "needle_", "."] : undefined,
    ),
    await compare(
      "grep regex, 100k files",
      1.5,
      grep({ pattern: "needle_\\d+" }),
      "rg",
      rg ? ["rg", "-n", "--no-heading", "needle_\\d+", "."] : undefined,
    ),
    await compare("glob **/file9.ts, 100k files", 2, glob({ pattern: "**/file9.ts" }), "git ls-files", [
      "git",
      "ls-files",
    ]),
    // The same output set as glob (tracked + untracked, minus ignored) needs git to walk the tree
    // too, so it is paired with a glob whose listing cache is cleared: both walk, neither is warm.
    await compare(
      "glob **/file9.ts, 100k files, listing cache cleared each run (same output set)",
      2,
      async () => {
        clearDirCache();
        await glob({ pattern: "**/file9.ts" })();
      },
      "git ls-files -co --exclude-standard",
      ["git", "ls-files", "-co", "--exclude-standard"],
    ),
  ];
}

if (import.meta.main) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
