/**
 * `bun run build`: compiles first-party WASM plugins, then the single executable `dist/loom`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { webAssetsModule } from "./web-assets-module.ts";

const root = join(import.meta.dir, "..");

function step(label: string, cmd: string[], cwd = root): void {
  process.stderr.write(`build: ${label}\n`);
  const p = Bun.spawnSync(cmd, { cwd, stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) {
    process.stderr.write(`build: ${label} failed (exit ${p.exitCode})\n`);
    process.exit(1);
  }
}

const editPkg = join(root, "plugins/edit/package.json");
if (existsSync(editPkg) && (await Bun.file(editPkg).json()).scripts?.build) {
  step(
    "plugins/edit (AssemblyScript → wasm)",
    [process.execPath, "run", "build"],
    join(root, "plugins/edit"),
  );
}

// The web UI: Vite builds web/dist, then its files become a generated module the binary carries
// (server/src/web/web-assets.gen.ts, base64; not committed; loadWebAssets imports it).
step(
  "web (Vite → web/dist)",
  [process.execPath, "x", "--bun", "vite", "build", "--logLevel", "warn"],
  join(root, "web"),
);
await Bun.write(join(root, "server/src/web/web-assets.gen.ts"), webAssetsModule(join(root, "web/dist")));

step("dist/loom", [
  process.execPath,
  "build",
  "--compile",
  "--minify",
  // Bytecode instead of source: JavaScriptCore skips parsing at start-up (a 2-turn `loom run`
  // spends roughly half its time parsing otherwise). Splitting needs the ESM format.
  "--bytecode",
  "--format=esm",
  // Lazily imported commands stay in their own chunks, so `--version` parses only what it runs.
  "--splitting",
  "--sourcemap=none",
  join(root, "cli/src/main.ts"),
  // Worker entry points must be named for the compiled binary to contain them.
  join(root, "plugins/fs/src/grep-worker.ts"),
  join(root, "server/src/db/maintenance-worker.ts"),
  join(root, "server/src/threads/write-worker.ts"),
  "--outfile",
  join(root, "dist/loom"),
]);
