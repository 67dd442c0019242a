/**
 * Signing in to a team server with a device code (RFC 8628 shape), for `loom login` without
 * `--token`, ACP's terminal auth method and VS Code: ask the server for a code, show the user code
 * and the URL, poll at the server's interval (5 s more after each `slow_down`) until approved,
 * denied or 600 s are up, then save the session token, mode 0600, in `credentials.json`.
 * A problem is a LoomError whose message is the one line to show.
 */
import { formatError, LoomError } from "@loom/runtime/errors";
import type { Env } from "@loom/runtime/paths";
import { normalizeServerUrl, writeCredentials } from "@loom/runtime/sync/credentials";

const GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export interface DeviceLoginOptions {
  env?: Env;
  /** Where the code and URL are shown (the terminal). */
  print(line: string): void;
  /** Waits `ms` (tests and hosts may pass their own); default a timer. */
  sleep?(ms: number): Promise<void>;
  now?(): number;
  clientName?: string;
}

interface DeviceGrant {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new LoomError("MISSING_CREDENTIALS", `cannot reach ${base}: ${formatError(e)}`);
  }
}

function isGrant(v: unknown): v is DeviceGrant {
  const g = v as Partial<DeviceGrant> | undefined;
  return (
    typeof g?.device_code === "string" &&
    typeof g.user_code === "string" &&
    typeof g.verification_uri === "string" &&
    typeof g.expires_in === "number"
  );
}

export async function deviceLogin(
  server: string,
  o: DeviceLoginOptions,
): Promise<{ base: string; userId: string; path: string }> {
  const base = normalizeServerUrl(new URL(server).toString());
  const sleep = o.sleep ?? ((ms: number) => Bun.sleep(ms));
  const now = o.now ?? Date.now;
  const res = await post(base, "/api/auth/device/code", { client_name: o.clientName ?? "loom cli" });
  const grant = res.ok ? await res.json().catch(() => undefined) : undefined;
  if (!isGrant(grant))
    throw new LoomError(
      "MISSING_CREDENTIALS",
      res.ok || res.status === 404
        ? `${base} does not offer device sign-in (is it a Loom server?): use --token`
        : `${base} answered ${res.status} to /api/auth/device/code`,
    );
  o.print(`To sign in, open ${grant.verification_uri} and enter the code ${grant.user_code}`);
  if (grant.verification_uri_complete) o.print(`(or open ${grant.verification_uri_complete})`);
  o.print("Waiting for approval…");

  let interval = Math.max(1, grant.interval ?? 5) * 1000;
  const deadline = now() + Math.min(grant.expires_in, 600) * 1000;
  while (now() < deadline) {
    await sleep(interval);
    const r = await post(base, "/api/auth/device/token", {
      device_code: grant.device_code,
      grant_type: GRANT,
    });
    const body = (await r.json().catch(() => ({}))) as {
      access_token?: string;
      user_id?: string;
      error?: string;
      error_description?: string;
    };
    if (r.ok && typeof body.access_token === "string" && typeof body.user_id === "string") {
      const path = writeCredentials({ server: base, token: body.access_token, userId: body.user_id }, o.env);
      return { base, userId: body.user_id, path };
    }
    if (body.error === "authorization_pending") continue;
    if (body.error === "slow_down") {
      interval += 5000;
      continue;
    }
    if (body.error === "access_denied") throw new LoomError("MISSING_CREDENTIALS", "the sign-in was denied");
    if (body.error === "expired_token") break;
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `${base} refused the sign-in: ${body.error_description ?? body.error ?? `status ${r.status}`}`,
    );
  }
  throw new LoomError(
    "MISSING_CREDENTIALS",
    "the code expired before it was approved: run `loom login` again",
  );
}
