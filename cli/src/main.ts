#!/usr/bin/env bun
/**
 * The `loom` entry point. `--version` answers before anything else is imported, so cold start
 * stays near Bun's own; every subcommand is loaded lazily.
 */
import { VERSION } from "@loom/runtime/version";

const argv = process.argv.slice(2);

if (process.env.LOOM_PLUGIN_HOST === "1") {
  // The compiled binary re-executes itself as the sandboxed WASM plugin host (see specs/plugins.md).
  (await import("@loom/runtime/plugins/host-worker")).runPluginHostWorker();
} else if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`loom ${VERSION}\n`);
} else {
  // A reader that goes away (`loom threads list | head -1`) ends the output quietly; any other
  // write failure (a full disk) is one line and exit 1; never a stack trace. `run` writes through
  // file descriptors (std-out.ts) and guards the streams only where it uses them.
  const { guardStdStreams } = await import("./std-out.ts");
  if (argv[0] !== "run") guardStdStreams();
  const { runCli } = await import("./cli.ts");
  process.exitCode = await runCli(argv);
}
