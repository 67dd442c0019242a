/**
 * The session's LLM client: the team server's proxy when a server URL is configured (the client
 * then holds no provider key), else the provider plugin in-process with keys from config/env.
 * Provider SDKs are imported here, lazily.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import type { LlmClient } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import { clientConfigFrom, createLlmClient } from "@loom/runtime/providers/resolve";
import { loadProvider, PROVIDERS } from "../providers.ts";
import { serverToken } from "./server-token.ts";

/**
 * `notice` receives what a provider tells the user outside of errors (a deprecated model).
 * A provider that is not built in is a provider plugin found from `workspace` (default: cwd).
 */
export async function createSessionLlm(
  config: LoomConfig,
  provider: string,
  env: Env,
  notice?: (message: string) => void,
  workspace: string = process.cwd(),
): Promise<LlmClient> {
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
  // A named table may point at another provider's plugin: [providers.ollama] type = "openai".
  const cfg = clientConfigFrom(provider, config.providers[provider] as Record<string, unknown> | undefined);
  if (cfg.provider in PROVIDERS)
    return createLlmClient({ ...cfg, notice }, [await loadProvider(cfg.provider)]);
  const { loadProviderPlugin } = await import("../provider-plugins.ts");
  const definition = await loadProviderPlugin(cfg.provider, workspace, config, env);
  return createLlmClient({ ...cfg, notice }, [definition]);
}
