/**
 * Benches that time `dist/loom` must time the code in this checkout: rebuild it (`bun run build`)
 * when it is missing or older than any file it is built from.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
export const COMPILED = join(root, "dist/loom");

/** Files and folders whose contents end up in dist/loom. */
function sources(): string[] {
  const plugins = readdirSync(join(root, "plugins")).map((p) => join(root, "plugins", p));
  return [
    join(root, "cli/src"),
    join(root, "runtime/src"),
    join(root, "flags/src"),
    join(root, "sse/src"),
    join(root, "server/src"),
    join(root, "web/src"),
    join(root, "web/index.html"),
    ...plugins,
    join(root, "bun.lock"),
    join(root, "package.json"),
    join(root, "scripts/build.ts"),
  ];
}

/** Newest modification time under `path` (skipping node_modules and build output). */
export function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, e.name)));
  }
  return newest;
}

/** True when dist/loom is missing or older than a source it is built from. */
export function isStale(bin = COMPILED, inputs = sources()): boolean {
  if (!existsSync(bin)) return true;
  const built = statSync(bin).mtimeMs;
  return inputs.some((p) => newestMtime(p) > built);
}

/** Returns the path of a dist/loom built from the current sources, building it first if needed. */
export async function ensureFreshBuild(): Promise<string> {
  if (!isStale()) return COMPILED;
  process.stderr.write("bench: dist/loom is missing or older than its sources; running bun run build\n");
  const p = Bun.spawn([process.execPath, "run", "build"], { cwd: root, stdout: "ignore", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`bun run build failed (exit ${code}): ${err.trim().split("\n").at(-1)}`);
  return COMPILED;
}
