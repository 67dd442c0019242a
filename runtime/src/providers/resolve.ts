/**
 * Picks a provider definition by name and creates its client. The runtime never imports
 * provider plugins; the caller (CLI, server) passes the definitions it loaded.
 */
import { LoomError } from "../errors.ts";
import type { LlmClient, ProviderDefinition } from "../llm.ts";
import { Secret } from "../secret.ts";

export interface LlmClientConfig {
  /** Provider name, e.g. "anthropic", "openai", "vertex". */
  provider: string;
  apiKey?: string | Secret | undefined;
  baseUrl?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

/**
 * @example
 * const llm = createLlmClient({ provider: "anthropic", apiKey: new Secret(key) }, [anthropic, openai, vertex]);
 */
export function createLlmClient(
  config: LlmClientConfig,
  providers: readonly ProviderDefinition[],
): LlmClient {
  const definition = providers.find((p) => p.name === config.provider);
  if (!definition) {
    const known = providers.map((p) => p.name).join(", ") || "none loaded";
    throw new LoomError("CONFIG_INVALID", `unknown provider "${config.provider}" (available: ${known})`, {
      provider: config.provider,
    });
  }
  const apiKey = config.apiKey instanceof Secret ? config.apiKey.expose() : config.apiKey;
  return definition.create({
    ...(apiKey ? { apiKey } : {}),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(config.settings ? { settings: config.settings } : {}),
  });
}
