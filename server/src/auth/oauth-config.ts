/** One `[auth.oauth.<name>]` table, as `loom serve` reads it from the config. */
export interface OAuthProviderSettings {
  type: "github" | "google" | "oidc";
  client_id: string;
  client_secret?: string;
  /** OIDC issuer URL (discovery); Google's is built in. */
  issuer?: string;
  display_name?: string;
}
