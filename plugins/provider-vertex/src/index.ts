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
import { DEFAULT_IDLE_TIMEOUT_MS } from "@loom/runtime/providers/stream";
import { createVertexClient } from "./client.ts";
import { PROVIDER } from "./errors.ts";

const PROJECT_ENV = "GOOGLE_CLOUD_PROJECT";

function settingsOf(options: ProviderOptions) {
  const s = options.settings ?? {};
  const str = (key: string): string | undefined =>
    typeof s[key] === "string" && s[key] ? s[key] : undefined;
  const num = (key: string, fallback: number): number => (typeof s[key] === "number" ? s[key] : fallback);
  return {
    project: str("project"),
    location: str("location") ?? "global",
    apiVersion: str("apiVersion") ?? "v1",
    accessToken: str("accessToken"),
    idleTimeoutMs: num("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS),
    requestTimeoutMs: num("requestTimeoutMs", 10 * 60_000),
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
