/** `tools.disabled` entries that name no tool: a typo there would otherwise leave the tool on unseen. */
import { didYouMean } from "@loom/runtime/did-you-mean";
import type { Tool } from "@loom/runtime/tool";

/** One warning line for all unknown names (none when every name is a tool). */
export function unknownDisabledTools(
  disabled: readonly string[],
  tools: readonly Pick<Tool, "name">[],
): string[] {
  const names = tools.map((t) => t.name);
  const unknown = disabled.filter((d) => !names.includes(d));
  if (unknown.length === 0) return [];
  const each = unknown.map((u) => `"${u}"${didYouMean(u, names)}`).join(", ");
  return [`tools.disabled: no tool named ${each}; see \`loom tools list\``];
}
