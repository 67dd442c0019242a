/**
 * Builds the server's provider clients from its upstreams (key + base URL) with the provider plugins
 * (`@loom/provider-<name>`, default export a ProviderDefinition). A provider whose plugin is missing
 * still works through the SDK pass-through routes; it is only absent from `/proxy/{provider}/complete`.
 */
import type { LlmClient, ProviderDefinition } from "@loom/runtime/llm";
import { createLlmClient } from "@loom/runtime/providers/resolve";
import type { Logger } from "./logger.ts";
import type { Upstream } from "./proxy/keys.ts";

export async function loadProviderDefinitions(names: string[], log: Logger): Promise<ProviderDefinition[]> {
  const defs: ProviderDefinition[] = [];
  for (const name of names) {
    try {
      const mod = (await import(`@loom/provider-${name}`)) as { default?: ProviderDefinition };
      if (mod.default?.create) defs.push(mod.default);
    } catch (e) {
      log.error("provider.unavailable", {
        provider: name,
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return defs;
}

export function createProviderClients(
  upstreams: Record<string, Upstream>,
  defs: ProviderDefinition[],
): Record<string, LlmClient> {
  const out: Record<string, LlmClient> = {};
  for (const up of Object.values(upstreams)) {
    if (!defs.some((d) => d.name === up.name)) continue;
    // Vertex takes its fixed access token as a setting; the others take an API key.
    const vertex = up.name === "vertex";
    const settings = vertex && up.apiKey ? { ...up.settings, accessToken: up.apiKey.expose() } : up.settings;
    out[up.name] = createLlmClient(
      { provider: up.name, apiKey: vertex ? undefined : up.apiKey, baseUrl: up.baseUrl, settings },
      defs,
    );
  }
  return out;
}
