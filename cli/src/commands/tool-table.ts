/** The `loom tools list` table: name, plugin, "writes" for mutating tools, the description's first line. */
import { terminalSafe } from "../terminal-safe.ts";

export interface ToolRow {
  name: string;
  plugin: string;
  mutating: boolean;
  description: string;
}

const DESCRIPTION_WIDTH = 80;

/** One line per tool, each column as wide as its longest cell, so long names never shift the next column. */
export function toolTable(unsafe: ToolRow[]): string[] {
  // Names and descriptions come from plugins and MCP servers: nothing of theirs drives the terminal.
  const rows = unsafe.map((r) => ({
    ...r,
    name: terminalSafe(r.name),
    plugin: terminalSafe(r.plugin),
    description: terminalSafe(r.description),
  }));
  const nameWidth = Math.max(4, ...rows.map((r) => r.name.length));
  const pluginWidth = Math.max(6, ...rows.map((r) => r.plugin.length));
  return rows.map((r) =>
    [
      r.name.padEnd(nameWidth),
      r.plugin.padEnd(pluginWidth),
      (r.mutating ? "writes" : "").padEnd(6),
      (r.description.split("\n")[0] ?? "").slice(0, DESCRIPTION_WIDTH),
    ]
      .join("  ")
      .trimEnd(),
  );
}
