/**
 * Vertex AI provider plugin (Gemini through @google/genai in Vertex mode).
 * Settings: `project` (required, from GOOGLE_CLOUD_PROJECT), `location` (GOOGLE_CLOUD_LOCATION,
 * default "global"), optional `accessToken`, `apiVersion` (default "v1"), `idleTimeoutMs`.
 * Credentials are application-default unless `accessToken` is set.
 * @example
 * import vertex from "@loom/provider-vertex";
 * const llm = vertex.create({ settings: { project: "my-project", location: "us-central1" } });
 */
import type { ProviderDefinition, ProviderOptions } from "@loom/runtime/llm";
import { missingCredentials } from "@loom/runtime/providers/errors";
import { readSettings } from "@loom/runtime/providers/settings";
import { DEFAULT_IDLE_TIMEOUT_MS } from "@loom/runtime/providers/stream";
import { createVertexClient } from "./client.ts";
import { PROVIDER } from "./errors.ts";

const PROJECT_ENV = "GOOGLE_CLOUD_PROJECT";

/** Settings from `options.settings` (config `providers.vertex.*`). */
function settingsOf(options: ProviderOptions) {
  const s = readSettings(PROVIDER, options.settings);
  return {
    project: s.string("project"),
    location: s.string("location") ?? "global",
    apiVersion: s.string("apiVersion") ?? "v1",
    accessToken: s.string("accessToken"),
    idleTimeoutMs: s.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS),
    requestTimeoutMs: s.number("requestTimeoutMs", 10 * 60_000),
  };
}

const vertex: ProviderDefinition = {
  name: PROVIDER,
  apiKeyEnv: PROJECT_ENV,
  create(options) {
    const { project, ...rest } = settingsOf(options);
    if (!project) throw missingCredentials(PROVIDER, PROJECT_ENV);
    return createVertexClient({ project, baseUrl: options.baseUrl, ...rest });
  },
};

export default vertex;
