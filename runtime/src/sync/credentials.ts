/**
 * Server credentials saved by `loom login`: `<config dir>/credentials.json`, mode 0600, one token
 * per server URL. The token is wrapped in `Secret` when read so it never prints by accident.
 * @example
 * writeCredentials({ server: "https://loom.example", token, userId: "ada" });
 * readCredentials("https://loom.example")?.token.expose();
 */
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configDir, type Env } from "../paths.ts";
import { Secret } from "../secret.ts";
import { writeFileAtomic } from "../threads/atomic-write.ts";

interface StoredServer {
  token: string;
  userId?: string;
  savedAt: string;
}

interface CredentialsFile {
  servers: Record<string, StoredServer>;
}

export function credentialsPath(env: Env = process.env): string {
  return join(configDir(env), "credentials.json");
}

/** `https://Loom.example:443/` → `https://loom.example` (the key credentials are stored under). */
export function normalizeServerUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

function read(env: Env): CredentialsFile {
  try {
    const v = JSON.parse(readFileSync(credentialsPath(env), "utf8")) as Partial<CredentialsFile>;
    return { servers: typeof v.servers === "object" && v.servers ? v.servers : {} };
  } catch {
    return { servers: {} };
  }
}

export function readCredentials(
  serverUrl: string,
  env: Env = process.env,
): { token: Secret; userId?: string } | undefined {
  const s = read(env).servers[normalizeServerUrl(serverUrl)];
  if (!s || typeof s.token !== "string") return undefined;
  return { token: new Secret(s.token), ...(s.userId ? { userId: s.userId } : {}) };
}

export function writeCredentials(
  c: { server: string; token: string; userId?: string; now?: Date },
  env: Env = process.env,
): string {
  const path = credentialsPath(env);
  mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
  const file = read(env);
  file.servers[normalizeServerUrl(c.server)] = {
    token: c.token,
    ...(c.userId ? { userId: c.userId } : {}),
    savedAt: (c.now ?? new Date()).toISOString(),
  };
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
  chmodSync(path, 0o600);
  return path;
}

/** The server URLs that have saved credentials. */
export function credentialServers(env: Env = process.env): string[] {
  return Object.keys(read(env).servers);
}

/** Forgets the credentials for one server; false when there were none. */
export function deleteCredentials(serverUrl: string, env: Env = process.env): boolean {
  const file = read(env);
  const key = normalizeServerUrl(serverUrl);
  if (!(key in file.servers)) return false;
  delete file.servers[key];
  writeFileAtomic(credentialsPath(env), `${JSON.stringify(file, null, 2)}\n`);
  chmodSync(credentialsPath(env), 0o600);
  return true;
}
