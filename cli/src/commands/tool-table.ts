/** The `loom tools list` table: name, plugin, "writes" for mutating tools, the description's first line. */

export interface ToolRow {
  name: string;
  plugin: string;
  mutating: boolean;
  description: string;
}

const DESCRIPTION_WIDTH = 80;

/** One line per tool, each column as wide as its longest cell, so long names never shift the next column. */
export function toolTable(rows: ToolRow[]): string[] {
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
