/**
 * The session's LLM client: the team server's proxy when a server URL is configured (the client
 * then holds no provider key), else the provider plugin in-process with keys from config/env.
 * Provider SDKs are imported here, lazily.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import type { LlmClient } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import { createLlmClient } from "@loom/runtime/providers/resolve";
import { loadProvider } from "../providers.ts";
import { serverToken } from "./server-token.ts";

export async function createSessionLlm(config: LoomConfig, provider: string, env: Env): Promise<LlmClient> {
  const serverUrl = config.server.url;
  if (serverUrl) {
    const token = serverToken(serverUrl, env);
    if (!token) {
      throw new LoomError(
        "MISSING_CREDENTIALS",
        `not logged in to ${serverUrl}; run \`loom login --server ${serverUrl} --token <token>\``,
      );
    }
    const { createProxyLlmClient } = await import("@loom/runtime/sync/proxy-client");
    return createProxyLlmClient({ serverUrl, token, provider });
  }
  const definition = await loadProvider(provider);
  const { api_key, base_url, ...settings } = config.providers[provider] ?? {};
  return createLlmClient({ provider, apiKey: api_key, baseUrl: base_url, settings }, [definition]);
}
