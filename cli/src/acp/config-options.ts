/**
 * The session config options Loom offers an editor (`configOptions`, `session/set_config_option`):
 * the model, from the catalogue's models of the session's provider, and the permission mode
 * (the same modes as `session/set_mode`).
 */
import type * as acp from "@agentclientprotocol/sdk";
import type { PermissionMode } from "./engine.ts";
import { MODES } from "./modes.ts";

export const MODEL_OPTION = "model";
export const MODE_OPTION = "mode";

export interface ConfigState {
  model: string;
  /** Models the editor may pick (the current one is added when the catalogue lacks it). */
  models: readonly string[];
  mode: PermissionMode;
}

/** The model option's values. */
export function modelChoices(s: Pick<ConfigState, "model" | "models">): readonly string[] {
  return s.models.includes(s.model) ? s.models : [s.model, ...s.models];
}

export function configOptions(s: ConfigState): acp.SessionConfigOption[] {
  const models = modelChoices(s);
  return [
    {
      type: "select",
      id: MODEL_OPTION,
      name: "Model",
      category: "model",
      currentValue: s.model,
      options: models.map((m) => ({ value: m, name: m })),
    },
    {
      type: "select",
      id: MODE_OPTION,
      name: "Permissions",
      category: "mode",
      currentValue: s.mode,
      options: MODES.map((m) => ({ value: m.id, name: m.name, description: m.description })),
    },
  ];
}
