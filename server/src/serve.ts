/**
 * Starts the server on a socket: opens the database (WAL, migrations applied), reads provider keys
 * from the environment, builds provider clients, listens. Used by `loom serve` and by tests.
 */
import { join } from "node:path";
import { formatError, LoomError } from "@loom/runtime/errors";
import { dataDir, type Env } from "@loom/runtime/paths";
import { createApp, DEFAULT_MAX_BODY_BYTES } from "./app.ts";
import { createSmtpMailer } from "./auth/mailer.ts";
import type { OAuthProviderSettings } from "./auth/oauth-config.ts";
import { setClientIp } from "./client-ip.ts";
import { startDbMaintenance } from "./db/maintenance.ts";
import { type Db, openDb } from "./db/open.ts";
import { createDbWriter, DEFAULT_BUSY_TIMEOUT_MS } from "./db/writer.ts";
import { createLogger } from "./logger.ts";
import { createProviderClients, loadProviderDefinitions } from "./providers.ts";
import { loadUpstreams } from "./proxy/keys.ts";
import { createUsageQueue } from "./proxy/usage.ts";

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  env?: Env;
  dbPath?: string;
  /** Where log lines go (default stderr); they pass through the key redactor either way. */
  logSink?: (line: string) => void;
  fetch?: typeof fetch;
  /** `[server] public_url`. */
  publicUrl?: string;
  /** `[auth]`: SMTP for magic links, sign-up policy, OAuth providers. */
  auth?: ServerAuthConfig;
}

export interface ServerAuthConfig {
  smtp?: { url: string; from?: string };
  open_signup?: boolean;
  oauth?: Record<string, OAuthProviderSettings>;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  stop(): Promise<void>;
}

export function serverDbPath(env: Env): string {
  return env.LOOM_SERVER_DB_PATH || join(dataDir(env), "server.db");
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

function intEnv(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new LoomError("CONFIG_INVALID", `${name} must be a positive integer, got "${v}"`);
  return n;
}

/** The database, or one line naming its path (a directory, an unwritable place, not a database). */
export function openServerDb(path: string): Db {
  try {
    return openDb(path);
  } catch (e) {
    const hint = path === ":memory:" ? "" : " (set LOOM_SERVER_DB_PATH to a writable file)";
    throw new LoomError("CONFIG_INVALID", `cannot open server database ${path}: ${formatError(e)}${hint}`);
  }
}

/** Bun.serve on host:port, or one line saying why not (port in use, no such address). */
function listen(
  host: string,
  port: number,
  maxBodyBytes: number,
  fetch: (req: Request, srv: Bun.Server<unknown>) => Response | Promise<Response>,
) {
  try {
    return Bun.serve({
      hostname: host,
      port,
      // A backstop only: the app enforces maxBodyBytes itself and answers a JSON 413, which it could
      // not if Bun refused the body first (Bun's own 413 is empty).
      maxRequestBodySize: maxBodyBytes + 1024 * 1024,
      // Long streams are normal for an LLM proxy; Bun's default idle timeout is 10 s.
      idleTimeout: 255,
      fetch,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === "EADDRINUSE" || /in use/i.test(formatError(e))
        ? "address in use (another server on that port? try --port 0)"
        : code === "EACCES"
          ? "permission denied (ports below 1024 need privileges)"
          : `${formatError(e)} (is ${host} an address of this machine?)`;
    throw new LoomError("CONFIG_INVALID", `cannot listen on ${host}:${port}: ${why}`);
  }
}

export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const env = o.env ?? process.env;
  const maxBodyBytes = intEnv(env, "LOOM_SERVER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES);
  const rateLimitPerMinute = intEnv(env, "LOOM_SERVER_RATE_LIMIT_PER_MINUTE", 600);
  const upstreams = loadUpstreams(env);
  const secrets = () => Object.values(upstreams).flatMap((u) => (u.apiKey ? [u.apiKey.expose()] : []));
  const log = createLogger({ secrets, ...(o.logSink ? { write: o.logSink } : {}) });
  const busyTimeoutMs = intEnv(env, "LOOM_SERVER_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS);
  const dbPath = o.dbPath ?? serverDbPath(env);
  const db = openServerDb(dbPath);
  const maintenance =
    dbPath === ":memory:" ? { async stop() {} } : startDbMaintenance(db.$client, dbPath, { log });
  const writer = createDbWriter(db.$client, { timeoutMs: busyTimeoutMs });
  const usage = createUsageQueue(db, { writer, clock: () => new Date(), log });
  const defs = await loadProviderDefinitions(Object.keys(upstreams), log);
  const app = createApp({
    db,
    upstreams,
    providers: createProviderClients(upstreams, defs),
    allowedModels: list(env.LOOM_SERVER_ALLOWED_MODELS),
    rateLimitPerMinute,
    maxBodyBytes,
    log,
    fetch: o.fetch,
    writer,
    usage,
    publicUrl: o.publicUrl,
    ...(o.auth?.smtp
      ? {
          mailer: createSmtpMailer({
            url: o.auth.smtp.url,
            from: o.auth.smtp.from ?? "Loom <loom@localhost>",
          }),
        }
      : {}),
    openSignup: o.auth?.open_signup,
    oauth: o.auth?.oauth,
  });
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = listen(o.host ?? "127.0.0.1", o.port ?? 8080, maxBodyBytes, (req, srv) => {
      setClientIp(req, srv.requestIP(req)?.address);
      return app.handle(req);
    });
  } catch (e) {
    await maintenance.stop();
    db.$client.close();
    throw e;
  }
  // An IPv6 address needs brackets in a URL (`http://[::1]:8080`).
  const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  const url = `http://${host}:${server.port}`;
  log.info("server.started", { url, providers: Object.keys(upstreams) });
  if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
    // Bun's fetch keeps at most 256 requests in flight per process; more concurrent streams queue.
    log.info("server.fetch_limit", {
      maxConcurrentUpstream: 256,
      hint: "set BUN_CONFIG_MAX_HTTP_REQUESTS (e.g. 4096) before start for more concurrent proxied calls",
    });
  }
  return {
    url,
    port: server.port ?? 0,
    db,
    async stop() {
      await server.stop(true);
      // Usage still waiting for the lock gets one more busy timeout; what is left is logged as lost.
      await usage.close();
      await maintenance.stop();
      db.$client.close();
    },
  };
}
