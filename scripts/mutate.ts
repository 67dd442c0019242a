/**
 * `bun run mutate [name-part…] [--jobs N] [--list] [--verbose]`: mutation testing of the modules in
 * scripts/mutate/targets.ts. Each mutant (one small edit, see scripts/mutate/mutants.ts) is written into
 * a throwaway copy of the repository (the checkout is never modified) and the target's tests run
 * there with `bun test --bail` under a timeout; a failing or hanging run kills the mutant. Prints every
 * surviving mutant (file:line, the change) and the score per module; exits 1 when a module is below
 * the goal (85 %).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyMutant, generateMutants, type Mutant } from "./mutate/mutants.ts";
import { createSandbox, removeSandbox } from "./mutate/sandbox.ts";
import { type MutationTarget, SCORE_GOAL, TARGETS } from "./mutate/targets.ts";

interface Args {
  names: string[];
  jobs: number;
  list: boolean;
  verbose: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], jobs: 1, list: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--list") args.list = true;
    else if (a === "--verbose") args.verbose = true;
    else if (a === "--jobs") args.jobs = Math.max(1, Number(argv[++i]) || 1);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a} (known: --jobs N, --list, --verbose)`);
    else args.names.push(a);
  }
  return args;
}

type Outcome = "killed" | "timeout" | "survived";

interface MutantResult {
  mutant: Mutant;
  outcome: Outcome;
  equivalent?: string;
}

const repo = resolve(import.meta.dir, "..");
const sandboxes: string[] = [];
const running = new Set<ReturnType<typeof Bun.spawn>>();

function cleanup(): void {
  for (const p of running) p.kill("SIGKILL");
  for (const s of sandboxes.splice(0)) removeSandbox(s);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    cleanup();
    process.stderr.write(`\nmutate: stopped (${signal}); the checkout was never modified\n`);
    process.exit(130);
  });
}
process.on("exit", cleanup);

/** Runs the target's tests in `sandbox`; true when they pass. */
async function testsPass(sandbox: string, t: MutationTarget, timeoutMs: number, verbose: boolean) {
  const proc = Bun.spawn([process.execPath, "test", "--bail", ...t.tests], {
    cwd: sandbox,
    stdout: verbose ? "inherit" : "ignore",
    stderr: verbose ? "inherit" : "ignore",
    // The targets are SQLite code: their suites' Postgres half tests none of it and would start a
    // cluster per mutant (killed with SIGKILL on a timeout, it would outlive the run).
    env: { ...process.env, NO_COLOR: "1", LOOM_TEST_BACKENDS: process.env.LOOM_TEST_BACKENDS ?? "sqlite" },
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  running.add(proc);
  const started = performance.now();
  const code = await proc.exited;
  running.delete(proc);
  return { pass: code === 0, timedOut: proc.signalCode === "SIGKILL", ms: performance.now() - started };
}

function equivalentReason(t: MutationTarget, m: Mutant): string | undefined {
  return t.equivalent?.find(
    (e) =>
      e.original === m.original &&
      e.replacement === m.replacement &&
      (e.line === undefined || e.line === m.line) &&
      (e.column === undefined || e.column === m.column),
  )?.reason;
}

async function runTarget(t: MutationTarget, args: Args): Promise<MutantResult[] | undefined> {
  const original = readFileSync(join(sandboxes[0]!, t.file), "utf8");
  const mutants = generateMutants(original, t.file, t.functions ? { functions: t.functions } : {});
  if (args.list) {
    for (const m of mutants) console.log(`${t.file}:${m.line}:${m.column}  ${m.description}`);
    return [];
  }
  const base = await testsPass(sandboxes[0]!, t, 300_000, args.verbose);
  if (!base.pass) {
    console.log(`${t.name}: its tests fail without any mutation; skipped (${t.tests.join(" ")})`);
    return undefined;
  }
  const timeoutMs = Math.max(20_000, Math.round(base.ms * 5));
  const results: MutantResult[] = [];
  let next = 0;
  const worker = async (sandbox: string) => {
    const file = join(sandbox, t.file);
    while (next < mutants.length) {
      const m = mutants[next++]!;
      const reason = equivalentReason(t, m);
      if (reason !== undefined) {
        results.push({ mutant: m, outcome: "survived", equivalent: reason });
        continue;
      }
      writeFileSync(file, applyMutant(original, m));
      try {
        const r = await testsPass(sandbox, t, timeoutMs, args.verbose);
        results.push({ mutant: m, outcome: r.timedOut ? "timeout" : r.pass ? "survived" : "killed" });
      } finally {
        writeFileSync(file, original);
      }
      if (process.stderr.isTTY) process.stderr.write(`\r${t.name}: ${results.length}/${mutants.length}   `);
    }
  };
  await Promise.all(sandboxes.map(worker));
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  return results.sort((a, b) => a.mutant.start - b.mutant.start);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const targets = TARGETS.filter(
    (t) => args.names.length === 0 || args.names.some((n) => t.name.includes(n)),
  );
  if (targets.length === 0) {
    console.error(
      `mutate: no target matches ${args.names.join(" ")} (targets: ${TARGETS.map((t) => t.name).join(", ")})`,
    );
    return 2;
  }
  for (let i = 0; i < (args.list ? 1 : args.jobs); i++) sandboxes.push(createSandbox(repo));
  const rows: string[] = [];
  let belowGoal = false;
  for (const t of targets) {
    const results = await runTarget(t, args);
    if (args.list) continue;
    if (results === undefined) {
      rows.push(`${t.name.padEnd(22)} tests fail unmutated`);
      belowGoal = true;
      continue;
    }
    const counted = results.filter((r) => r.equivalent === undefined);
    const detected = counted.filter((r) => r.outcome !== "survived").length;
    const score = counted.length === 0 ? 1 : detected / counted.length;
    if (score < SCORE_GOAL) belowGoal = true;
    for (const r of results.filter((x) => x.outcome === "survived")) {
      const m = r.mutant;
      const tag = r.equivalent ? `  [equivalent: ${r.equivalent}]` : "";
      console.log(`survived  ${t.file}:${m.line}:${m.column}  ${m.description}${tag}`);
    }
    const equivalent = results.length - counted.length;
    rows.push(
      `${t.name.padEnd(22)} ${`${(score * 100).toFixed(1)} %`.padStart(8)}  ${detected}/${counted.length} killed` +
        `${equivalent ? `, ${equivalent} equivalent` : ""}${score < SCORE_GOAL ? "  (below goal)" : ""}`,
    );
  }
  if (args.list) return 0;
  console.log(`\nmutation score per module (goal ≥ ${SCORE_GOAL * 100} %)`);
  for (const r of rows) console.log(`  ${r}`);
  return belowGoal ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`mutate: ${(e as Error).message}`);
  process.exitCode = 2;
} finally {
  cleanup();
}
