/**
 * `loom whoami` and `loom logout`: which server (`--server`, else `[server] url`, else the only one
 * with saved credentials), who `LOOM_TOKEN` or else the saved token signs in as (`GET /api/auth/me`), and signing out
 * (`POST /api/auth/logout` revokes a session token on the server; the saved token is deleted either way).
 */
import { formatError, LoomError } from "@loom/runtime/errors";
import type { Env } from "@loom/runtime/paths";
import {
  credentialServers,
  deleteCredentials,
  normalizeServerUrl,
  readCredentials,
} from "@loom/runtime/sync/credentials";
import { serverUrlProblem } from "./server-login.ts";
import { serverToken } from "./server-token.ts";

/** The server a command means; a LoomError (INVALID_INPUT) naming the choices when it is unclear. */
export function pickServer(flag: string | undefined, configured: string | undefined, env: Env): string {
  const chosen = flag ?? configured;
  if (chosen) {
    const problem = serverUrlProblem(chosen);
    if (problem) throw new LoomError("INVALID_INPUT", problem);
    return normalizeServerUrl(chosen);
  }
  const saved = credentialServers(env);
  if (saved.length === 1) return saved[0] as string;
  throw new LoomError(
    "INVALID_INPUT",
    saved.length === 0
      ? "not logged in to any server: run `loom login --server <url>`"
      : `logged in to several servers (${saved.join(", ")}): say which with --server`,
  );
}

function savedToken(base: string, env: Env): string {
  const c = readCredentials(base, env);
  if (!c)
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `not logged in to ${base}: run \`loom login --server ${base}\``,
    );
  return c.token.expose();
}

async function call(base: string, path: string, token: string, method = "GET"): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new LoomError("MISSING_CREDENTIALS", `cannot reach ${base}: ${formatError(e)}`);
  }
}

export interface WhoAmI {
  base: string;
  userId: string;
  email: string | null;
  displayName?: string;
  roles: string[];
  via: string;
  impersonatedBy?: string;
}

/** Who the credential signs in as: `LOOM_TOKEN` when set, else the saved one (as `loom org` chooses). */
export async function whoAmI(base: string, env: Env): Promise<WhoAmI> {
  const token = serverToken(base, env);
  if (!token)
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `not logged in to ${base}: run \`loom login --server ${base}\` or set LOOM_TOKEN`,
    );
  const res = await call(base, "/api/auth/me", token.expose());
  if (res.status === 401)
    throw new LoomError(
      "MISSING_CREDENTIALS",
      env.LOOM_TOKEN
        ? `${base} does not accept the token in LOOM_TOKEN (invalid or revoked)`
        : `${base} no longer accepts the saved token: run \`loom login\``,
    );
  const me = (await res.json().catch(() => undefined)) as
    | {
        userId?: unknown;
        via?: string;
        user?: { email: string | null; displayName: string; roles: string[] };
        impersonation?: { by: string };
      }
    | undefined;
  if (!res.ok || typeof me?.userId !== "string")
    throw new LoomError("MISSING_CREDENTIALS", `${base} answered ${res.status} to /api/auth/me`);
  return {
    base,
    userId: me.userId,
    email: me.user?.email ?? null,
    displayName: me.user?.displayName,
    roles: me.user?.roles ?? [],
    via: me.via ?? "token",
    ...(me.impersonation ? { impersonatedBy: me.impersonation.by } : {}),
  };
}

/** Revokes the saved session on the server (an `lt_` token stays valid there) and deletes it here. */
export async function logout(base: string, env: Env): Promise<{ revoked: boolean }> {
  const token = savedToken(base, env);
  let revoked = false;
  if (token.startsWith("ls_")) {
    const res = await call(base, "/api/auth/logout", token, "POST").catch(() => undefined);
    // 401: already revoked or expired there; either way it no longer works.
    revoked = res?.status === 204 || res?.status === 401;
  }
  deleteCredentials(base, env);
  return { revoked };
}
