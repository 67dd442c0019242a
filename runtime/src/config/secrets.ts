/** Credentials in a loaded config: wrapped in `Secret` on load, redacted for printing. */
import { isSecretKey, redact } from "../log.ts";
import { Secret } from "../secret.ts";
import type { ConfigInput, LoomConfig, ProviderSettings } from "./schema.ts";

/** Wraps every provider credential (`api_key`, and any free-form `*_token`/`*secret` field) in `Secret`. */
export function wrapSecrets(input: ConfigInput): LoomConfig {
  const providers: Record<string, ProviderSettings> = {};
  for (const [name, settings] of Object.entries(input.providers)) {
    const wrapped: ProviderSettings = {};
    for (const [key, value] of Object.entries(settings)) {
      wrapped[key] = isSecretKey(key) && typeof value === "string" ? new Secret(value) : value;
    }
    providers[name] = wrapped;
  }
  return { ...input, providers };
}

/**
 * A printable copy of the config: Secrets and secret-named fields become "[redacted]".
 * @example console.log(JSON.stringify(redactConfig(config), null, 2));
 */
export function redactConfig(config: LoomConfig): Record<string, unknown> {
  return redact(config) as Record<string, unknown>;
}
