/**
 * Provider plugins installed beside Loom (user plugins, `plugins.paths`, the workspace's
 * `.loom/plugins` and `node_modules`), looked for only when a session names a provider that is
 * not built in (`--provider echo-chat`, or `[providers.x] type = "echo-chat"`).
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import type { ProviderDefinition } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import { type PluginCandidate, providerPlugins, userPluginDir } from "@loom/runtime/plugins/sources";
import { clientConfigFrom } from "@loom/runtime/providers/resolve";
import { PROVIDERS } from "./providers.ts";

type PluginConfig = Pick<LoomConfig, "plugins" | "providers">;

/** The provider plugins `name` may refer to: none when a built-in serves it (no disk scan). */
export function providerPluginsFor(
  name: string,
  workspace: string,
  config: PluginConfig,
  env: Env,
): PluginCandidate[] {
  if (isBuiltinProvider(name, config)) return [];
  return findProviderPlugins(workspace, config, env);
}

/** True when `name` is served by a built-in provider (directly or as a table's `type`), so no plugin is needed. */
export function isBuiltinProvider(name: string, config: Pick<LoomConfig, "providers">): boolean {
  const table = config.providers[name] as Record<string, unknown> | undefined;
  return clientConfigFrom(name, table).provider in PROVIDERS;
}

/** The provider plugins for a workspace, in precedence order (the first of a name wins). */
export function findProviderPlugins(workspace: string, config: PluginConfig, env: Env): PluginCandidate[] {
  return providerPlugins({
    workspaceRoot: workspace,
    userDir: userPluginDir(env),
    paths: config.plugins.paths,
  });
}

/** The definition of the plugin that serves provider `type`; CONFIG_INVALID when there is none. */
export async function loadProviderPlugin(
  type: string,
  workspace: string,
  config: PluginConfig,
  env: Env,
  onLog?: (plugin: string, message: string) => void,
): Promise<ProviderDefinition> {
  const candidate = findProviderPlugins(workspace, config, env).find((c) => c.manifest.name === type);
  if (!candidate) {
    throw new LoomError(
      "CONFIG_INVALID",
      `unknown provider "${type}" (no built-in provider or provider plugin has that name)`,
    );
  }
  const { providerPluginDefinition } = await import("@loom/runtime/plugins/provider-plugin");
  return providerPluginDefinition({
    candidate,
    workspaceRoot: workspace,
    grant: config.plugins.grants[type],
    trusted: config.plugins.trusted,
    ...(onLog ? { onLog } : {}),
  });
}
