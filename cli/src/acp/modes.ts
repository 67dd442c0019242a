/** The session modes Loom advertises: the CLI's permission modes. */
import type * as acp from "@agentclientprotocol/sdk";
import type { PermissionMode } from "./engine.ts";

export const MODES: { id: PermissionMode; name: string; description: string }[] = [
  { id: "ask", name: "Ask", description: "Ask before every edit or command" },
  { id: "auto", name: "Auto", description: "Edit files and run commands without asking" },
  {
    id: "read-only",
    name: "Read-only",
    description: "Read and search only; edits and commands are rejected",
  },
];

export function modeState(current: PermissionMode): acp.SessionModeState {
  return { currentModeId: current, availableModes: MODES };
}
