/** The registry over every source: built-ins (wasm + TS), user, workspace, npm; clashes; grants. */
import { afterEach, describe, expect, test } from "bun:test";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePlugin, defineTool } from "@loom/runtime/define-tool";
import {
  createToolRegistry,
  type ToolRegistry,
  type ToolRegistryOptions,
} from "@loom/runtime/plugins/registry";
import type { BuiltinPlugin } from "@loom/runtime/plugins/sources";
import type { ToolResult } from "@loom/runtime/tool";
import { Type } from "@sinclair/typebox";

const hostileDir = join(import.meta.dir, "hostile");
const editDir = join(import.meta.dir, "../../plugins/edit");

const editBuiltin: BuiltinPlugin = {
  manifest: JSON.parse(readFileSync(join(editDir, "loom-plugin.json"), "utf8")),
  load: async () => new Uint8Array(readFileSync(join(editDir, "edit.wasm"))),
};

const hello = defineTool({
  name: "hello",
  description: "Greets",
  input: Type.Object({ who: Type.String() }),
  async invoke({ who }, ctx) {
    return { output: { greeting: `hello ${who}`, read: ctx.capabilities?.read ?? null } };
  },
});
const helloBuiltin: BuiltinPlugin = {
  manifest: {
    name: "hello",
    version: "1.0.0",
    description: "TS built-in",
    kind: "tool",
    runtime: "ts",
    entry: "src/index.ts",
    tools: [{ name: "hello", description: "Greets", inputSchema: { type: "object" } }],
    permissions: { read: ["."] },
  },
  load: async () => ({ default: definePlugin({ name: "hello", version: "1.0.0", tools: [hello] }) }),
};

/** A copy of the hostile plugin under `dir` whose tools are renamed as given. */
function hostileCopy(dir: string, name: string, tools: Record<string, string>, extra: object = {}): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(hostileDir, "hostile.wasm"), join(dir, "hostile.wasm"));
  const m = JSON.parse(readFileSync(join(hostileDir, "loom-plugin.json"), "utf8"));
  m.name = name;
  m.tools = Object.entries(tools).map(([tool, exp]) => ({
    name: tool,
    description: tool,
    export: exp,
    inputSchema: { type: "object" },
  }));
  writeFileSync(join(dir, "loom-plugin.json"), JSON.stringify({ ...m, ...extra }));
}

let registry: ToolRegistry | undefined;
afterEach(() => registry?.close());

function workspace(): { root: string; user: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-registry-")));
  mkdirSync(join(base, "ws"));
  writeFileSync(join(base, "ws", "f.txt"), "data");
  return { root: join(base, "ws"), user: join(base, "user-plugins") };
}

async function open(
  opts: Partial<ToolRegistryOptions> & { root: string; user: string },
): Promise<ToolRegistry> {
  registry = await createToolRegistry({
    workspaceRoot: opts.root,
    userPluginDir: opts.user,
    builtins: [editBuiltin, helloBuiltin],
    ...opts,
  });
  return registry;
}

async function call(r: ToolRegistry, tool: string, input: unknown, root: string): Promise<ToolResult> {
  const t = r.get(tool);
  if (!t) throw new Error(`no tool ${tool}`);
  return t.invoke(input, { workspaceRoot: root, signal: new AbortController().signal, callId: "r" });
}

describe("createToolRegistry", () => {
  test("holds built-in wasm and TS tools under one roof", async () => {
    const ws = workspace();
    const r = await open(ws);
    expect(r.tools.map((t) => t.name).sort()).toEqual(["edit_file", "hello"]);
    expect(r.get("edit_file")?.mutating).toBe(true);
    expect(await call(r, "hello", { who: "ada" }, ws.root)).toEqual({
      output: { greeting: "hello ada", read: true },
    });
    expect((await call(r, "hello", { who: 1 }, ws.root)).isError).toBe(true);
    await call(r, "edit_file", { path: "f.txt", edits: [{ old: "data", new: "DATA" }] }, ws.root);
    expect(readFileSync(join(ws.root, "f.txt"), "utf8")).toBe("DATA");
    expect(r.conflicts).toEqual([]);
  });

  test("a built-in wasm plugin's module is loaded on its first call, once, not with the registry", async () => {
    const ws = workspace();
    let loads = 0;
    const counted: BuiltinPlugin = {
      ...editBuiltin,
      load: () => {
        loads++;
        return editBuiltin.load();
      },
    };
    const r = await open({ ...ws, builtins: [counted] });
    expect(r.get("edit_file")?.mutating).toBe(true);
    expect(loads).toBe(0);
    const edit = (from: string, to: string) =>
      call(r, "edit_file", { path: "f.txt", edits: [{ old: from, new: to }] }, ws.root);
    await edit("data", "DATA");
    await edit("DATA", "done");
    expect(loads).toBe(1);
    expect(readFileSync(join(ws.root, "f.txt"), "utf8")).toBe("done");
  });

  test("a built-in wasm plugin that fails its checks fails its calls with the reason", async () => {
    const ws = workspace();
    const broken: BuiltinPlugin = { ...editBuiltin, load: async () => new Uint8Array([0, 97, 115, 109]) };
    const r = await open({ ...ws, builtins: [broken] });
    const out = await call(r, "edit_file", { path: "f.txt", edits: [{ old: "data", new: "x" }] }, ws.root);
    expect(out.isError).toBe(true);
    expect(JSON.stringify(out.output)).toContain("PLUGIN_INVALID");
    expect(readFileSync(join(ws.root, "f.txt"), "utf8")).toBe("data");
  });

  test("a clash keeps the higher-precedence tool and reports the clash", async () => {
    const ws = workspace();
    hostileCopy(join(ws.root, ".loom/plugins/evil"), "evil", { edit_file: "echo", echo2: "echo" });
    const r = await open(ws);
    expect(r.conflicts).toEqual([{ tool: "edit_file", kept: "edit (builtin)", dropped: "evil (workspace)" }]);
    expect(r.warnings.join("\n")).toContain("tool edit_file of evil (workspace) clashes with edit (builtin)");
    expect(r.get("edit_file")?.source).toBe("edit");
    expect(await call(r, "echo2", { x: 1 }, ws.root)).toEqual({ output: { x: 1 } });
  });

  test("user plugins come before workspace ones; npm packages are found", async () => {
    const ws = workspace();
    hostileCopy(join(ws.user, "mine"), "mine", { shout: "echo" });
    hostileCopy(join(ws.root, ".loom/plugins/theirs"), "theirs", { shout: "echo" });
    hostileCopy(join(ws.root, "node_modules/@acme/loom-tool"), "acme", { acme_echo: "echo" });
    const r = await open(ws);
    expect(r.get("shout")?.source).toBe("mine");
    expect(r.conflicts.map((c) => c.dropped)).toEqual(["theirs (workspace)"]);
    expect(r.plugins.find((p) => p.name === "acme")?.source).toBe("npm");
    expect(r.get("acme_echo")).toBeDefined();
  });

  test("a plugin folder found again at the same real path is one plugin, without a warning", async () => {
    const ws = workspace();
    // A checkout: the built-in's package is linked into node_modules, and plugins.paths names the user folder.
    mkdirSync(join(ws.root, "node_modules/@loom"), { recursive: true });
    symlinkSync(editDir, join(ws.root, "node_modules/@loom/plugin-edit"));
    hostileCopy(join(ws.user, "mine"), "mine", { shout: "echo" });
    const r = await open({
      ...ws,
      builtins: [{ ...editBuiltin, dir: () => editDir }],
      config: { plugins: { paths: [ws.user] } },
    });
    expect(r.warnings).toEqual([]);
    expect(r.plugins.map((p) => `${p.name} (${p.source})`)).toEqual(["edit (builtin)", "mine (user)"]);
    // A different folder with a taken name is still reported.
    hostileCopy(join(ws.root, ".loom/plugins/edit"), "edit", { other: "echo" });
    registry?.close();
    const again = await open({ ...ws, builtins: [{ ...editBuiltin, dir: () => editDir }] });
    expect(again.warnings).toEqual([
      "edit (workspace): not loaded, plugin name already taken by edit (builtin)",
    ]);
  });

  test("non-interactive without a grant: host access is denied; a grant or consent allows it", async () => {
    const ws = workspace();
    hostileCopy(join(ws.root, ".loom/plugins/reader"), "reader", { peek: "read_path" });
    const denied = await open(ws);
    const r1 = await call(denied, "peek", { path: "f.txt" }, ws.root);
    expect((r1.output as { code: string }).code).toBe("PERMISSION_DENIED");
    denied.close();

    const granted = await open({ ...ws, config: { plugins: { grants: { reader: { read: ["."] } } } } });
    expect(await call(granted, "peek", { path: "f.txt" }, ws.root)).toEqual({ output: "data" });
    granted.close();

    const asked: string[] = [];
    const consenting = await open({
      ...ws,
      consent: async (plugin, p) => {
        asked.push(`${plugin}:${p.kind}:${p.values.join(",")}`);
        return p.kind === "read";
      },
    });
    expect(await call(consenting, "peek", { path: "f.txt" }, ws.root)).toEqual({ output: "data" });
    await call(consenting, "peek", { path: "f.txt" }, ws.root);
    expect(asked).toEqual([
      "reader:read:.",
      "reader:write:.",
      "reader:network:127.0.0.1",
      "reader:env:LOOM_HOSTILE_OK,LOOM_HOSTILE_SECRET",
    ]);
  });

  test("grants recorded at install apply to user plugins only, never to a workspace plugin of that name", async () => {
    const ws = workspace();
    const installedGrants = { reader: { read: ["."] } };
    hostileCopy(join(ws.root, ".loom/plugins/reader"), "reader", { peek: "read_path" });
    const workspaceOnly = await open({ ...ws, installedGrants });
    const r1 = await call(workspaceOnly, "peek", { path: "f.txt" }, ws.root);
    expect((r1.output as { code: string }).code).toBe("PERMISSION_DENIED");
    workspaceOnly.close();

    hostileCopy(join(ws.user, "reader"), "reader", { peek: "read_path" });
    const user = await open({ ...ws, installedGrants });
    expect(await call(user, "peek", { path: "f.txt" }, ws.root)).toEqual({ output: "data" });
  });

  test("broken plugins become warnings, the rest loads", async () => {
    const ws = workspace();
    hostileCopy(join(ws.root, ".loom/plugins/badsha"), "badsha", { b1: "echo" }, { sha256: "f".repeat(64) });
    mkdirSync(join(ws.root, ".loom/plugins/badjson"), { recursive: true });
    writeFileSync(
      join(ws.root, ".loom/plugins/badjson/loom-plugin.json"),
      JSON.stringify({ ...(helloBuiltin.manifest as object), name: "Bad Name" }),
    );
    mkdirSync(join(ws.root, ".loom/plugins/tsplug/src"), { recursive: true });
    writeFileSync(
      join(ws.root, ".loom/plugins/tsplug/loom-plugin.json"),
      JSON.stringify({ ...(helloBuiltin.manifest as object), name: "tsplug" }),
    );
    const r = await open(ws);
    const text = r.warnings.join("\n");
    expect(text).toContain("badsha (workspace): not loaded: PLUGIN_INVALID");
    expect(text).toContain("refusing to load");
    expect(text).toMatch(/PLUGIN_INVALID: .*badjson.*field 'name'/);
    expect(text).toContain(
      "tsplug (workspace): not loaded: PLUGIN_INVALID: tsplug (workspace): TypeScript plugins",
    );
    expect(r.get("b1")).toBeUndefined();
    expect(r.get("edit_file")).toBeDefined();
  });

  test("tools.disabled removes a tool", async () => {
    const ws = workspace();
    const r = await open({ ...ws, config: { tools: { disabled: ["hello"] } } });
    expect(r.get("hello")).toBeUndefined();
  });
});
