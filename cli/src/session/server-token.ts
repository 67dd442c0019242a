/**
 * The token for the team server: `LOOM_TOKEN` in the environment, else the one `loom login`
 * saved for that server (`<config dir>/credentials.json`).
 */
import type { Env } from "@loom/runtime/paths";
import { Secret } from "@loom/runtime/secret";
import { readCredentials } from "@loom/runtime/sync/credentials";

export function serverToken(serverUrl: string, env: Env): Secret | undefined {
  if (env.LOOM_TOKEN) return new Secret(env.LOOM_TOKEN);
  try {
    return readCredentials(serverUrl, env)?.token;
  } catch {
    return undefined; // a malformed URL: reported when the client first calls the server
  }
}
