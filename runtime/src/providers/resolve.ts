/**
 * Picks a provider definition by name and creates its client. The runtime never imports
 * provider plugins; the caller (CLI, server) passes the definitions it loaded.
 */
import { LoomError } from "../errors.ts";
import type { LlmClient, ProviderDefinition } from "../llm.ts";
import { Secret } from "../secret.ts";
import { isHttpUrl } from "../url.ts";
import { namedClient, renameError } from "./named-client.ts";

export interface LlmClientConfig {
  /** Provider name, e.g. "anthropic", "openai", "vertex". */
  provider: string;
  /** The configured name when it is not the provider's own (`local` for `[providers.local]`): errors use it. */
  name?: string | undefined;
  apiKey?: string | Secret | undefined;
  baseUrl?: string | undefined;
  settings?: Record<string, unknown> | undefined;
  /** Passed to the provider: see `ProviderOptions.notice`. */
  notice?: ((message: string) => void) | undefined;
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
  if (config.baseUrl && !isHttpUrl(config.baseUrl)) {
    // A typo here is not a network failure: say so once instead of retrying it as one.
    throw new LoomError(
      "CONFIG_INVALID",
      `${config.provider}: base URL ${JSON.stringify(config.baseUrl)} is not an http(s) URL`,
      { provider: config.provider },
    );
  }
  const apiKey = config.apiKey instanceof Secret ? config.apiKey.expose() : config.apiKey;
  const create = () =>
    definition.create({
      ...(apiKey ? { apiKey } : {}),
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(config.settings ? { settings: config.settings } : {}),
      ...(config.notice ? { notice: config.notice } : {}),
    });
  const name = config.name;
  if (!name || name === config.provider) return create();
  try {
    return namedClient(create(), name, config.provider);
  } catch (e) {
    throw renameError(e, name, config.provider);
  }
}

/**
 * Maps a loaded `providers.<name>` config table onto a client config: `api_key` and `base_url`
 * become the key and base URL, `type` picks the provider definition when the table's name is not
 * one (`[providers.ollama]` with `type = "openai"`), every other key is a provider setting.
 * @example
 * createLlmClient(clientConfigFrom("vertex", config.providers.vertex), definitions);
 */
export function clientConfigFrom(name: string, table: Record<string, unknown> = {}): LlmClientConfig {
  const { api_key, base_url, type, ...settings } = table;
  return {
    provider: typeof type === "string" && type ? type : name,
    name,
    apiKey: api_key instanceof Secret || typeof api_key === "string" ? api_key : undefined,
    baseUrl: typeof base_url === "string" ? base_url : undefined,
    settings,
  };
}
