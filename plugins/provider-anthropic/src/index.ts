/**
 * Anthropic provider plugin: Claude through Anthropic's API, or through Vertex AI with
 * `platform = "vertex"` (Google project, location and application-default credentials instead of
 * an API key).
 * @example
 * import anthropic from "@loom/provider-anthropic";
 * const llm = anthropic.create({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const onVertex = anthropic.create({ settings: { platform: "vertex", project: "p", location: "us-east5" } });
 * for await (const e of llm.stream({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] })) …
 */
import { LoomError } from "@loom/runtime/errors";
import type { ProviderDefinition, ProviderOptions } from "@loom/runtime/llm";
import { missingCredentials } from "@loom/runtime/providers/errors";
import { readSettings } from "@loom/runtime/providers/settings";
import { DEFAULT_IDLE_TIMEOUT_MS } from "@loom/runtime/providers/stream";
import { type AnthropicClientOptions, createAnthropicClient } from "./client.ts";
import { PROVIDER } from "./errors.ts";

const API_KEY_ENV = "ANTHROPIC_API_KEY";
const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** Settings from `options.settings` (config `providers.anthropic.*`), all optional. */
function settingsOf(options: ProviderOptions) {
  const s = readSettings(PROVIDER, options.settings);
  return {
    promptCaching: s.boolean("promptCaching", true),
    defaultMaxTokens: s.number("maxTokens", 8192),
    idleTimeoutMs: s.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS),
    requestTimeoutMs: s.number("requestTimeoutMs", 10 * 60_000),
  };
}

/** Where Claude is served: Anthropic's API (an API key) or Vertex AI (a Google project). */
function authOf(options: ProviderOptions): Pick<AnthropicClientOptions, "auth" | "baseUrl"> {
  const s = readSettings(PROVIDER, options.settings);
  const platform = s.string("platform") ?? "anthropic";
  if (platform === "anthropic") {
    if (!options.apiKey) throw missingCredentials(PROVIDER, API_KEY_ENV);
    return { auth: { apiKey: options.apiKey }, baseUrl: options.baseUrl ?? DEFAULT_BASE_URL };
  }
  if (platform !== "vertex") {
    throw new LoomError(
      "CONFIG_INVALID",
      `providers.anthropic.platform: expected "anthropic" or "vertex", got ${JSON.stringify(platform)}`,
      { provider: PROVIDER, key: "platform" },
    );
  }
  const project = s.string("project");
  if (!project) {
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `${PROVIDER}: Claude on Vertex AI needs a Google Cloud project, set project in this provider's config`,
      { provider: PROVIDER, key: "project" },
    );
  }
  const vertex = {
    project,
    location: s.string("location") ?? "global",
    accessToken: s.string("accessToken"),
  };
  return { auth: { vertex }, baseUrl: options.baseUrl };
}

const anthropic: ProviderDefinition = {
  name: PROVIDER,
  apiKeyEnv: API_KEY_ENV,
  create(options) {
    return createAnthropicClient({ ...authOf(options), ...settingsOf(options), notice: options.notice });
  },
};

export default anthropic;
