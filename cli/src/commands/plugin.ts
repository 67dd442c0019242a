/**
 * `loom plugin new|build|test|list` (the authoring kit) and the registry commands of plugin-package.ts
 * (pack|publish|install|update|outdated|search|remove).
 * Building uses the AssemblyScript compiler of this Loom install; the single binary fetches one from
 * the registry on first use (plugin-toolchain.ts).
 */
import { resolve } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";
import { install, outdated, pack, publish, remove, search, update } from "./plugin-package.ts";

const dirArg = {
  dir: { type: "positional", description: "Plugin folder (default .)", required: false },
} as const;

const create = defineCommand({
  meta: {
    name: "new",
    description: "Scaffold a tool plugin in ./<name> (AssemblyScript, or C with --lang c)",
  },
  args: {
    name: { type: "positional", description: "Plugin name (lower-case, digits, -)", required: true },
    lang: {
      type: "string",
      description: "as (AssemblyScript, default) or c (clang → wasm32)",
      default: "as",
    },
  },
  async run({ args }) {
    if (args.lang !== "as" && args.lang !== "c") {
      throw new LoomError("INVALID_INPUT", `--lang ${args.lang}: use as (AssemblyScript) or c`);
    }
    const dir = resolve(args.name);
    const tool =
      args.lang === "c"
        ? await (await import("./plugin-scaffold-c.ts")).scaffoldCPlugin(dir, args.name)
        : await (await import("./plugin-scaffold.ts")).scaffoldPlugin(dir, args.name);
    process.stdout.write(
      `created ${dir} (tool ${tool})\nnext: cd ${args.name} && loom plugin build && loom plugin test\n`,
    );
  },
});

const build = defineCommand({
  meta: {
    name: "build",
    description:
      "Run the manifest's build command (any language), or compile assembly/index.ts, and record the wasm's sha256",
  },
  args: dirArg,
  async run({ args }) {
    const { buildPlugin } = await import("@loom/runtime/plugins/plugin-build");
    // The single binary carries no AssemblyScript compiler: it is fetched on first use.
    await (await import("./plugin-toolchain.ts")).registerToolchainFetcher();
    const built = await buildPlugin(resolve(args.dir ?? "."));
    process.stdout.write(
      `built ${built.manifest.entry} (${built.wasm.length} bytes, sha256 ${built.sha256})\n`,
    );
  },
});

const test = defineCommand({
  meta: { name: "test", description: "Run tests/cases.json against the real plugin host" },
  args: dirArg,
  async run({ args }) {
    const { runPluginCases } = await import("./plugin-cases.ts");
    const reports = await runPluginCases(resolve(args.dir ?? "."));
    for (const r of reports)
      process.stdout.write(`${r.ok ? "pass" : "FAIL"}  ${r.name}${r.detail ? `: ${r.detail}` : ""}\n`);
    const failed = reports.filter((r) => !r.ok).length;
    process.stdout.write(`${reports.length - failed} passed, ${failed} failed\n`);
    if (failed > 0) throw new ExitError(1);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List plugins (built-in, user, workspace, npm) and their tools" },
  args: { json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const { workspaceRegistry } = await import("./plugin-env.ts");
    const { registry } = await workspaceRegistry();
    try {
      if (args.json) {
        process.stdout.write(
          `${JSON.stringify({ plugins: registry.plugins, conflicts: registry.conflicts }, null, 2)}\n`,
        );
        return;
      }
      for (const p of registry.plugins) {
        const what = p.error ? `not loaded: ${p.error}` : p.tools.join(", ") || `(${p.kind})`;
        process.stdout.write(`${p.name} ${p.version}  ${p.source}/${p.runtime}  ${what}\n`);
      }
    } finally {
      registry.close();
    }
  },
});

export default defineCommand({
  meta: { name: "plugin", description: "Create, build, test, install and manage plugins" },
  subCommands: {
    new: create,
    build,
    test,
    pack,
    publish,
    install,
    update,
    outdated,
    search,
    list,
    remove,
  },
});
