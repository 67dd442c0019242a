/**
 * The registry half of `loom plugin`: pack, publish, install, update, outdated, search, remove.
 * Each command loads its implementation (and npm's libraries) only when it runs.
 */
import { join, resolve } from "node:path";
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";
import type { InstallTarget } from "./plugin-install.ts";

const registryArg = {
  registry: { type: "string", description: "npm registry URL (default: [plugins] registry, .npmrc, npmjs)" },
} as const;
const workspaceArg = {
  workspace: {
    type: "boolean",
    alias: "w",
    description: "This workspace's plugins (.loom/plugins, .loom/plugins.lock) instead of the user's",
  },
} as const;
const yesArg = {
  yes: {
    type: "boolean",
    alias: "y",
    description: "Grant the permissions the plugin asks for without asking",
  },
  deny: {
    type: "boolean",
    description: "Grant nothing now (grant later in your config, or when the plugin is first used)",
  },
} as const;
const dirArg = {
  dir: { type: "positional", description: "Plugin folder (default .)", required: false },
} as const;

interface TargetArgs {
  registry?: string | undefined;
  workspace?: boolean | undefined;
  yes?: boolean | undefined;
  deny?: boolean | undefined;
}

async function installTarget(args: TargetArgs): Promise<InstallTarget> {
  const { loadConfig } = await import("@loom/runtime/config");
  const { canonicalWorkspaceRoot } = await import("@loom/runtime/workspace-path");
  const { userLockFile, workspaceLockFile } = await import("@loom/runtime/plugins/lockfile");
  const { userPluginDir } = await import("@loom/runtime/plugins/sources");
  const { registryOptions } = await import("./plugin-registry.ts");
  const { approveWith, describePermissions, asked, terminalPrompt } = await import("./plugin-grant.ts");
  const root = canonicalWorkspaceRoot(process.cwd());
  const { config } = loadConfig({ workspace: root });
  const registry = registryOptions({ flag: args.registry, config: config.plugins.registry, cwd: root });
  if (!args.workspace)
    return {
      pluginDir: userPluginDir(),
      lockFile: userLockFile(),
      registry,
      keepsLockedGrants: true,
      approve: args.deny ? async () => ({}) : approveWith(terminalPrompt(args.yes === true)),
    };
  // A workspace's lockfile comes with the repository, so it grants nothing: the permissions are
  // shown, and granted in the user's config or at the plugin's first use.
  return {
    pluginDir: join(root, ".loom", "plugins"),
    lockFile: workspaceLockFile(root),
    registry,
    approve: async (manifest) => {
      const lines = describePermissions(asked(manifest));
      if (lines.length > 0)
        process.stderr.write(
          `${manifest.name} asks to:\n${lines.map((l) => `  - ${l}`).join("\n")}\n(workspace plugins are granted in your config, [plugins.grants.${manifest.name}], or when first used)\n`,
        );
      return {};
    },
  };
}

/** Columns as wide as their longest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}

export const pack = defineCommand({
  meta: { name: "pack", description: "Check the plugin and write <name>-<version>.tgz (an npm package)" },
  args: {
    ...dirArg,
    out: { type: "string", description: "Folder for the .tgz (default: the plugin folder)" },
  },
  async run({ args }) {
    const { packPlugin } = await import("./plugin-pack.ts");
    const dir = resolve(args.dir ?? ".");
    const p = await packPlugin(dir);
    const file = join(resolve(args.out ?? dir), p.filename);
    await Bun.write(file, p.tarball);
    process.stdout.write(
      `packed ${p.pkg.name}@${p.pkg.version} (${p.files.join(", ")})\n${file}\n${p.integrity}\n`,
    );
  },
});

export const publish = defineCommand({
  meta: { name: "publish", description: "Pack the plugin and publish it to the npm registry" },
  args: { ...dirArg, ...registryArg },
  async run({ args }) {
    const { loadConfig } = await import("@loom/runtime/config");
    const { publishPlugin } = await import("./plugin-publish.ts");
    const dir = resolve(args.dir ?? ".");
    const { config } = loadConfig({ workspace: process.cwd() });
    const r = await publishPlugin(dir, { flag: args.registry, config: config.plugins.registry, cwd: dir });
    process.stdout.write(`published ${r.packed.pkg.name}@${r.packed.pkg.version} to ${r.registry}\n`);
  },
});

export const install = defineCommand({
  meta: {
    name: "install",
    description:
      "Install a plugin from the registry (name[@range]), a .tgz or a folder; with no argument, reinstall the lockfile's exact versions",
  },
  args: {
    source: { type: "positional", description: "name[@range], file.tgz or folder", required: false },
    ...registryArg,
    ...workspaceArg,
    ...yesArg,
  },
  async run({ args }) {
    const { installPlugin, installFromLock } = await import("./plugin-install.ts");
    const target = await installTarget(args);
    const done = args.source ? [await installPlugin(args.source, target)] : await installFromLock(target);
    if (done.length === 0) process.stdout.write(`nothing to install: ${target.lockFile} lists no plugins\n`);
    for (const r of done)
      process.stdout.write(`${r.replaced ? "updated" : "installed"} ${r.name} ${r.version} in ${r.dir}\n`);
  },
});

export const update = defineCommand({
  meta: { name: "update", description: "Update installed plugins to the newest version their range allows" },
  args: {
    name: { type: "positional", description: "Plugin or package name (default: all)", required: false },
    ...registryArg,
    ...workspaceArg,
    ...yesArg,
  },
  async run({ args }) {
    const { updatePlugins } = await import("./plugin-update.ts");
    for (const u of await updatePlugins(await installTarget(args), args.name))
      process.stdout.write(
        u.to ? `updated ${u.name} ${u.from} → ${u.to}\n` : `${u.name} ${u.from} is up to date\n`,
      );
  },
});

export const outdated = defineCommand({
  meta: { name: "outdated", description: "List installed plugins with newer versions on the registry" },
  args: { ...registryArg, ...workspaceArg, json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const { outdatedPlugins } = await import("./plugin-update.ts");
    const rows = await outdatedPlugins(await installTarget(args));
    if (args.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const behind = rows.filter((r) => r.current !== r.wanted || r.current !== r.latest);
    if (behind.length === 0) {
      process.stdout.write("all plugins are current\n");
      return;
    }
    process.stdout.write(
      table([
        ["plugin", "current", "wanted", "latest", "range"],
        ...behind.map((r) => [r.name, r.current, r.wanted, r.latest, r.spec]),
      ]),
    );
  },
});

export const search = defineCommand({
  meta: {
    name: "search",
    description: "Search the registry for plugins (packages with the loom-plugin keyword)",
  },
  args: { words: { type: "positional", description: "Search words", required: true }, ...registryArg },
  async run({ args }) {
    const { loadConfig } = await import("@loom/runtime/config");
    const { registryOptions } = await import("./plugin-registry.ts");
    const { searchPlugins } = await import("./plugin-update.ts");
    const { config } = loadConfig({ workspace: process.cwd() });
    const opts = registryOptions({
      flag: args.registry,
      config: config.plugins.registry,
      cwd: process.cwd(),
    });
    const words = [args.words, ...(args._ ?? []).filter((w) => w !== args.words)];
    const found = await searchPlugins(words, opts);
    if (found.length === 0) {
      process.stdout.write(`no plugins match '${words.join(" ")}' on ${opts.registry}\n`);
      throw new ExitError(1);
    }
    for (const f of found) process.stdout.write(`${f.name} ${f.version}  ${f.description}\n`);
  },
});

export const remove = defineCommand({
  meta: { name: "remove", description: "Remove an installed plugin (and its lockfile entry)" },
  args: { name: { type: "positional", description: "Plugin name", required: true }, ...workspaceArg },
  async run({ args }) {
    const { removePlugin } = await import("./plugin-install.ts");
    const { userLockFile, workspaceLockFile } = await import("@loom/runtime/plugins/lockfile");
    const { userPluginDir } = await import("@loom/runtime/plugins/sources");
    const { canonicalWorkspaceRoot } = await import("@loom/runtime/workspace-path");
    const root = canonicalWorkspaceRoot(process.cwd());
    const [dir, lock] = args.workspace
      ? [join(root, ".loom", "plugins"), workspaceLockFile(root)]
      : [userPluginDir(), userLockFile()];
    process.stdout.write(`removed ${removePlugin(args.name, dir, lock)}\n`);
  },
});
