/**
 * Logging in to a team server with an API token (`loom login`, the REPL's `/login`): checks the
 * token against `GET /api/auth/me` and saves it, mode 0600, in `<config dir>/credentials.json`.
 * A problem is a LoomError whose message is the one line to show.
 */
import { formatError, LoomError } from "@loom/runtime/errors";
import type { Env } from "@loom/runtime/paths";
import { normalizeServerUrl, writeCredentials } from "@loom/runtime/sync/credentials";

/** Why the token or URL is unusable (a usage error), else undefined. */
export function loginInputProblem(server: string, token: string): string | undefined {
  if (!token) return "give a token: --token lt_… (from `loom admin token create` on the server)";
  // Tokens are lt_ + base64url; anything else (a provider key, a pasted line with spaces) is a
  // mistake to report here, not a confusing network error later.
  if (!/^lt_[A-Za-z0-9_-]+$/.test(token))
    return "the token must look like lt_… (from `loom admin token create` on the server)";
  return serverUrlProblem(server);
}

/** Why `server` is not a usable server URL, else undefined. */
export function serverUrlProblem(server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `--server is not a URL: ${server}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `--server must be an http:// or https:// URL, got ${server}`;
  return undefined;
}

export async function loginToServer(
  server: string,
  token: string,
  env: Env = process.env,
): Promise<{ base: string; userId: string; path: string }> {
  const problem = loginInputProblem(server, token);
  if (problem) throw new LoomError("INVALID_INPUT", problem);
  const base = normalizeServerUrl(new URL(server).toString());
  let res: Response;
  try {
    res = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new LoomError("MISSING_CREDENTIALS", `cannot reach ${base}: ${formatError(e)}`);
  }
  if (res.status === 401)
    throw new LoomError("MISSING_CREDENTIALS", `${base} refused the token (invalid or revoked)`);
  if (!res.ok) throw new LoomError("MISSING_CREDENTIALS", `${base} answered ${res.status} to /api/auth/me`);
  const me = (await res.json().catch(() => undefined)) as { userId?: unknown } | undefined;
  if (typeof me?.userId !== "string")
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `${base} is not a Loom server (GET /api/auth/me gave no user)`,
    );
  const path = writeCredentials({ server: base, token, userId: me.userId }, env);
  return { base, userId: me.userId, path };
}
