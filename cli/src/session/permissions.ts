/**
 * Permission modes: `auto` runs every tool; `read-only` hides tools that change the workspace
 * (and refuses them if called anyway); `ask` asks before each call of such a tool — or, when
 * nobody can be asked (a headless run without a terminal), refuses it with a message that
 * says how to allow it.
 */
import type { PermissionMode } from "@loom/runtime/config/schema";
import type { ToolCall } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";

export type { PermissionMode };

export const PERMISSION_MODES: readonly PermissionMode[] = ["ask", "auto", "read-only"];

export function parsePermissionMode(value: string): PermissionMode | undefined {
  return (PERMISSION_MODES as readonly string[]).includes(value) ? (value as PermissionMode) : undefined;
}

export type AskAnswer = "yes" | "no" | "always";

/** Asks the user about one call; "always" allows this tool for the rest of the session. */
export type AskFn = (call: ToolCall, tool: Tool | undefined) => Promise<AskAnswer>;

export function headlessRefusal(name: string): string {
  return (
    `PERMISSION_DENIED: ${name} changes the workspace and this run cannot ask for approval ` +
    "(permission mode ask without a terminal). Rerun with --permission-mode auto to allow changes."
  );
}

export function readOnlyRefusal(name: string): string {
  return `PERMISSION_DENIED: ${name} changes the workspace and the session is read-only.`;
}

/** Replaces a tool's effect with a refusal the model can read (no longer mutating: it changes nothing). */
export function refusingTool(tool: Tool, message: string): Tool {
  return { ...tool, mutating: false, invoke: async () => ({ output: message, isError: true }) };
}

export interface Approver {
  /** For `createAgent({ permission })`. */
  check(call: ToolCall): Promise<"allow" | "deny">;
  /** Tools allowed with "always" in this session. */
  readonly always: ReadonlySet<string>;
}

export function createApprover(
  mode: () => PermissionMode,
  tools: () => ReadonlyMap<string, Tool>,
  ask?: AskFn,
): Approver {
  const always = new Set<string>();
  return {
    always,
    async check(call) {
      const m = mode();
      if (m === "auto" || always.has(call.name)) return "allow";
      if (m === "read-only" || !ask) return "deny";
      const answer = await ask(call, tools().get(call.name));
      if (answer === "always") always.add(call.name);
      return answer === "no" ? "deny" : "allow";
    },
  };
}

/** The tools the model is offered under a mode; mutating ones are refused where nobody can allow them. */
export function toolsForMode(all: readonly Tool[], mode: PermissionMode, canAsk: boolean): Tool[] {
  if (mode === "read-only") return all.filter((t) => !t.mutating);
  if (mode === "ask" && !canAsk)
    return all.map((t) => (t.mutating ? refusingTool(t, headlessRefusal(t.name)) : t));
  return [...all];
}
