/**
 * `loom plugin test`: runs a plugin's tests/cases.json against the real WASM host, in a scratch
 * workspace, with the permissions its manifest declares. A case gives `tool`, `input`, optional
 * `files` to create first, and either the expected `output` or an `error` substring.
 *
 * The plugin under test may be untrusted, and so may its cases: a `files` key must be a relative
 * path that stays inside the scratch workspace, checked for every case before anything is
 * written, and each write is resolved again through the workspace path rule.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { declaredPermissions } from "@loom/runtime/plugins/permissions";
import { readPluginDir } from "@loom/runtime/plugins/sources";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import { toolOutputText } from "@loom/runtime/tool";
import { resolveInWorkspace } from "@loom/runtime/workspace-path";

interface Case {
  name?: string;
  tool: string;
  input?: unknown;
  files?: Record<string, string>;
  output?: unknown;
  error?: string;
}

export interface CaseReport {
  name: string;
  ok: boolean;
  detail?: string;
}

/** Every `files` key is a relative path without `..` that names a file, and every value a string. */
function checkCaseFiles(file: string, cases: Case[]): void {
  for (const [i, c] of cases.entries()) {
    const where = `${file}: ${c?.name ? `case '${c.name}'` : `case ${i + 1}`}`;
    if (c?.files === undefined) continue;
    if (typeof c.files !== "object" || c.files === null || Array.isArray(c.files))
      throw new LoomError("INVALID_INPUT", `${where}: "files" must be an object of path → content`);
    for (const [p, content] of Object.entries(c.files)) {
      const parts = normalize(p).split(sep);
      if (
        p === "" ||
        p.includes("\0") ||
        isAbsolute(p) ||
        parts.includes("..") ||
        parts.at(-1) === "." ||
        parts.at(-1) === ""
      )
        throw new LoomError(
          "INVALID_INPUT",
          `${where}: file '${p}' is outside the scratch workspace (use a relative path without '..')`,
        );
      if (typeof content !== "string")
        throw new LoomError("INVALID_INPUT", `${where}: the content of file '${p}' must be a string`);
    }
  }
}

export async function runPluginCases(dir: string): Promise<CaseReport[]> {
  // The folder first: outside a plugin, or before its first build, say that rather than what is missing.
  const candidate = await readPluginDir(dir, "user");
  if (candidate.manifest.runtime !== "wasm")
    throw new LoomError("INVALID_INPUT", "loom plugin test runs wasm plugins");
  let wasm: Uint8Array;
  try {
    wasm = (await candidate.load()) as Uint8Array;
  } catch {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${candidate.manifest.name}: entry ${candidate.manifest.entry} is missing (build it first: loom plugin build)`,
    );
  }
  const file = join(dir, "tests/cases.json");
  let cases: Case[];
  try {
    cases = ((await Bun.file(file).json()) as { cases: Case[] }).cases;
    if (!Array.isArray(cases)) throw new Error("no cases array");
  } catch (e) {
    throw new LoomError(
      "INVALID_INPUT",
      `${file}: expected {"cases": [{tool, input, output | error}]} (${(e as Error).message})`,
    );
  }
  checkCaseFiles(file, cases);
  const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-plugin-test-")));
  const root = join(base, "workspace");
  mkdirSync(root);
  writeFileSync(join(base, "outside.txt"), "outside the workspace");
  const plugin = loadWasmPlugin({
    manifest: candidate.manifest,
    wasm,
    root,
    permissions: async () => declaredPermissions(candidate.manifest),
  });
  const reports: CaseReport[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const name = c.name ?? `case ${i + 1}`;
      for (const [p, content] of Object.entries(c.files ?? {})) {
        const target = resolveInWorkspace(root, p, { forWrite: true });
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      const tool = plugin.tools.find((t) => t.name === c.tool);
      if (!tool) {
        reports.push({ name, ok: false, detail: `no tool '${c.tool}' in the manifest` });
        continue;
      }
      const r = await tool.invoke(c.input ?? {}, {
        workspaceRoot: root,
        signal: new AbortController().signal,
        callId: name,
      });
      const got = toolOutputText(r);
      if (c.error !== undefined) {
        const ok = r.isError === true && got.includes(c.error);
        reports.push(
          ok ? { name, ok } : { name, ok, detail: `expected an error containing '${c.error}', got ${got}` },
        );
      } else {
        const ok = r.isError !== true && Bun.deepEquals(r.output, c.output);
        reports.push(
          ok ? { name, ok } : { name, ok, detail: `expected ${JSON.stringify(c.output)}, got ${got}` },
        );
      }
    }
  } finally {
    plugin.host.close();
    rmSync(base, { recursive: true, force: true });
  }
  return reports;
}
