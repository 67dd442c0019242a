/**
 * What `loom tools` and `loom plugin list` share: the merged config for the current workspace and
 * the tool registry of built-in and installed plugins, with consent asked on a terminal and
 * plugin `log` lines on stderr.
 */
import { loadConfig } from "@loom/runtime/config";
import type { LoomConfig } from "@loom/runtime/config/schema";
import type { AskConsent } from "@loom/runtime/plugins/permissions";
import type { ToolRegistry } from "@loom/runtime/plugins/registry";
import { canonicalWorkspaceRoot } from "@loom/runtime/workspace-path";
import { openToolRegistry } from "../builtins.ts";

/** Asks on the terminal: "allow plugin X to read: . ? [y/N]". */
export const askOnTty: AskConsent = async (plugin, permission) => {
  const what =
    permission.kind === "exec" ? "run commands" : `${permission.kind}: ${permission.values.join(", ")}`;
  process.stderr.write(`loom: plugin ${plugin} asks to ${what}. Allow for this session? [y/N] `);
  for await (const line of console) return /^y(es)?$/i.test(line.trim());
  return false;
};

export async function workspaceRegistry(
  workspace = process.cwd(),
): Promise<{ root: string; registry: ToolRegistry; config: LoomConfig }> {
  const root = canonicalWorkspaceRoot(workspace);
  const { config } = loadConfig({ workspace: root });
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  const registry = await openToolRegistry({
    config,
    workspace: root,
    ...(interactive ? { consent: askOnTty } : {}),
    onLog: (plugin, message) => process.stderr.write(`${plugin}: ${message}\n`),
  });
  return { root, registry, config };
}
