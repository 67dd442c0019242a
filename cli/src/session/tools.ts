/**
 * The tools a session offers: every built-in and installed plugin tool, from the registry the
 * plugin host builds (cli/src/builtins.ts). `close` stops plugin child processes. Plugin `log`
 * lines go to `onLog` (the session log).
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import type { AskConsent } from "@loom/runtime/plugins/permissions";
import type { Tool } from "@loom/runtime/tool";

export interface SessionTools {
  tools: Tool[];
  close(): void;
}

export async function loadSessionTools(
  config: LoomConfig,
  workspace: string,
  consent?: AskConsent,
  onLog?: (plugin: string, message: string) => void,
  onWarning?: (warning: string) => void,
): Promise<SessionTools> {
  const { openToolRegistry } = await import("../builtins.ts");
  const registry = await openToolRegistry({
    config,
    workspace,
    ...(consent ? { consent } : {}),
    ...(onLog ? { onLog } : {}),
    ...(onWarning ? { onWarning } : {}),
  });
  return { tools: registry.tools, close: () => registry.close() };
}
