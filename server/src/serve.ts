/**
 * Starts the server on a socket: opens the database (SQLite in WAL mode, or PostgreSQL when a
 * `postgres://` URL is given; migrations applied), reads provider keys from the environment, builds
 * provider clients, listens. Used by `loom serve` and by tests.
 */

import { dirname, join } from "node:path";
import type { ConfigInput } from "@loom/runtime/config/schema";
import { WeaversKubernetesConfig } from "@loom/runtime/config/weavers-kubernetes";
import { formatError, LoomError } from "@loom/runtime/errors";
import { dataDir, type Env } from "@loom/runtime/paths";
import { Value } from "@sinclair/typebox/value";
import { createApp, DEFAULT_MAX_BODY_BYTES } from "./app.ts";
import { createSmtpMailer } from "./auth/mailer.ts";
import type { OAuthProviderSettings } from "./auth/oauth-config.ts";
import { setClientIp } from "./client-ip.ts";
import type { Backend } from "./db/backend.ts";
import { startDbMaintenance } from "./db/maintenance.ts";
import { type Db, openDb } from "./db/open.ts";
import { pgBackend } from "./db/pg/backend.ts";
import { isPostgresUrl } from "./db/pg/open.ts";
import { sqliteBackend } from "./db/sqlite-backend.ts";
import { createDbWriter, DEFAULT_BUSY_TIMEOUT_MS } from "./db/writer.ts";
import { createLogger } from "./logger.ts";
import { createProviderClients, loadProviderDefinitions } from "./providers.ts";
import { loadUpstreams, readSecret } from "./proxy/keys.ts";
import { createUsageQueue } from "./proxy/usage.ts";
import { closeSearchConnection } from "./threads/fts-index.ts";
import { startThreadWriter } from "./threads/thread-writer.ts";
import { createLocalDriver } from "./weavers/local/local-driver.ts";
import { createWeaverService, type WeaverService, weaverTokenKey } from "./weavers/service.ts";
import { parseDuration } from "./weavers/settings.ts";
import { pgRoundLock } from "./weavers/sweep-lock.ts";
import { type SocketHandlers, setUpgrader, websocketHandlers } from "./weavers/ws-upgrade.ts";
import { loadWebAssets, type WebAssets } from "./web/web-assets.ts";

/** `[weavers]` as loaded; `kubernetes` is needed only when `driver = "kubernetes"`. */
export type WeaversOptions = Omit<ConfigInput["weavers"], "kubernetes"> &
  Partial<Pick<ConfigInput["weavers"], "kubernetes">>;

export interface ServeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  env?: Env;
  dbPath?: string;
  /**
   * `postgres://…`: run on that PostgreSQL database (replicas share it); `sqlite:PATH` or absent: the
   * SQLite file (`dbPath`, `LOOM_SERVER_DB_PATH`, the default). Absent here, `LOOM_SERVER_DATABASE_URL`
   * or the file `LOOM_SERVER_DATABASE_URL_FILE` names.
   */
  databaseUrl?: string;
  /** Where log lines go (default stderr); they pass through the key redactor either way. */
  logSink?: (line: string) => void;
  fetch?: typeof fetch;
  /** The web UI to serve at `/`; default the built one (`loadWebAssets()`), null for none. */
  web?: WebAssets | null;
  /** `[server] public_url`. */
  publicUrl?: string;
  /** `[auth]`: SMTP for magic links, sign-up policy, OAuth providers. */
  auth?: ServerAuthConfig;
  /** `[weavers]`: absent, no weaver routes (tests that do not need them); `loom serve` passes the config's. */
  weavers?: WeaversOptions;
  /** The SQLite maintenance worker thread's nice value (default 10). */
  maintenanceNice?: number;
  /** false: thread PUTs' transactions on the event loop, not the thread-writer worker (the thread-fts bench compares). */
  threadWriter?: boolean;
}

export interface ServerAuthConfig {
  smtp?: { url: string; from?: string };
  open_signup?: boolean;
  oauth?: Record<string, OAuthProviderSettings>;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The SQLite database (throws on a Postgres server: use `backend`). */
  db: Db;
  backend: Backend;
  /** The weavers (driver, sweeper), when `[weavers]` was given. */
  weavers?: WeaverService;
  /** Where the data is, for people: the SQLite path or the Postgres URL without its password. */
  database: string;
  stop(): Promise<void>;
}

/** The database a server runs on: Postgres URL, or a SQLite path. One line when the setting is unusable. */
export function serverDatabase(
  env: Env,
  o: { databaseUrl?: string; dbPath?: string } = {},
): { kind: "postgres"; url: string } | { kind: "sqlite"; path: string } {
  const url = o.databaseUrl?.trim() || readSecret(env, "LOOM_SERVER_DATABASE_URL");
  if (url && isPostgresUrl(url)) return { kind: "postgres", url };
  if (url?.startsWith("sqlite:")) return { kind: "sqlite", path: url.slice("sqlite:".length) };
  if (url)
    throw new LoomError(
      "CONFIG_INVALID",
      `database ${JSON.stringify(redactDbUrl(url).slice(0, 80))} is neither postgres://… nor sqlite:PATH`,
    );
  return { kind: "sqlite", path: o.dbPath ?? serverDbPath(env) };
}

/** `postgres://loom:secret@db/loom` → `postgres://loom:***@db/loom` (for banners and errors). */
export function redactDbUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

/** The password of a database URL (the logger removes it from every line). */
function dbPassword(url: string): string[] {
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p ? [p] : [];
  } catch {
    return [];
  }
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

/** The Postgres backend, or one line naming the database (password hidden) and the cause. */
export async function openServerPg(
  url: string,
  o: Parameters<typeof pgBackend>[1],
): Promise<Awaited<ReturnType<typeof pgBackend>>> {
  try {
    return await pgBackend(url, o);
  } catch (e) {
    const msg = formatError(e).split("\n")[0]?.replaceAll(url, redactDbUrl(url));
    throw new LoomError("CONFIG_INVALID", `cannot open server database ${redactDbUrl(url)}: ${msg}`);
  }
}

/** Bun.serve on host:port, or one line saying why not (port in use, no such address). */
function listen(
  host: string,
  port: number,
  fetch: (req: Request, srv: Bun.Server<SocketHandlers>) => Response | Promise<Response>,
) {
  try {
    return Bun.serve<SocketHandlers>({
      websocket: websocketHandlers,
      hostname: host,
      port,
      // Out of the way: the app refuses every body over maxBodyBytes itself with the JSON 413 (a
      // declared length before reading anything, a chunked body while reading it, errors-plugin.ts).
      // Bun's own check would answer first, with an empty 413, for any declared length above it.
      maxRequestBodySize: 2 ** 40,
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
  const opened: Opened = { undo: [] };
  try {
    return await start(o, opened);
  } catch (e) {
    for (const undo of opened.undo.reverse()) {
      try {
        await undo();
      } catch (err) {
        opened.log?.error("server.start_cleanup_failed", { error: formatError(err) });
      }
    }
    throw e;
  }
}

/**
 * What a start has opened so far, undone (last first) when a later step fails: the database (its
 * connection, the maintenance and thread-writer workers, the Postgres pool) and the weavers' driver.
 */
interface Opened {
  undo: (() => Promise<void> | void)[];
  log?: ReturnType<typeof createLogger>;
}

async function start(o: ServeOptions, opened: Opened): Promise<RunningServer> {
  const env = o.env ?? process.env;
  const maxBodyBytes = intEnv(env, "LOOM_SERVER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES);
  const rateLimitPerMinute = intEnv(env, "LOOM_SERVER_RATE_LIMIT_PER_MINUTE", 600);
  const upstreams = loadUpstreams(env);
  const where = serverDatabase(env, o);
  const dbSecrets = where.kind === "postgres" ? dbPassword(where.url) : [];
  const secrets = () => [
    ...Object.values(upstreams).flatMap((u) => (u.apiKey ? [u.apiKey.expose()] : [])),
    ...dbSecrets,
  ];
  const log = createLogger({ secrets, ...(o.logSink ? { write: o.logSink } : {}) });
  opened.log = log;
  const busyTimeoutMs = intEnv(env, "LOOM_SERVER_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS);
  const clock = () => new Date();
  let backend: Backend;
  let sqliteDb: Db | undefined;
  if (where.kind === "postgres") {
    const pg = await openServerPg(where.url, { clock, log, rateLimitPerMinute, timeoutMs: busyTimeoutMs });
    // Replicas starting together: one applies the migrations (and says so), the others find them done.
    if (pg.pg.applied.length > 0) log.info("db.migrated", { applied: pg.pg.applied });
    backend = pg;
    opened.undo.push(() => pg.close());
  } else {
    const dbPath = where.path;
    const db = openServerDb(dbPath);
    sqliteDb = db;
    opened.undo.push(() => {
      closeSearchConnection(db.$client);
      db.$client.close();
    });
    const maintenance =
      dbPath === ":memory:"
        ? { indexer: undefined, async stop() {} }
        : startDbMaintenance(db.$client, dbPath, { log, nice: o.maintenanceNice });
    opened.undo.push(() => maintenance.stop());
    const threadWriter =
      dbPath === ":memory:" || o.threadWriter === false
        ? undefined
        : startThreadWriter(dbPath, { log, busyTimeoutMs });
    opened.undo.push(() => threadWriter?.stop());
    const writer = createDbWriter(db.$client, { timeoutMs: busyTimeoutMs });
    const usage = createUsageQueue(db, { writer, clock, log });
    backend = sqliteBackend(db, {
      writer,
      usage,
      clock,
      log,
      rateLimitPerMinute,
      searchIndexer: maintenance.indexer,
      runPut: threadWriter?.run,
      async onClose() {
        await threadWriter?.stop();
        await maintenance.stop();
        closeSearchConnection(db.$client);
        db.$client.close();
      },
    });
    // From here the backend's close undoes all of the above (and flushes the usage queue).
    opened.undo = [() => backend.close()];
  }
  const database = where.kind === "postgres" ? redactDbUrl(where.url) : where.path;
  let url = "";
  const weavers = o.weavers
    ? await weaverService(o.weavers, {
        env,
        log,
        serverUrl: () => url,
        hidden: where.kind === "sqlite" ? [dirname(where.path)] : [],
        lock:
          backend.kind === "postgres"
            ? pgRoundLock((backend as unknown as { pg: { sql: Bun.SQL } }).pg.sql)
            : undefined,
      })
    : undefined;
  if (weavers) opened.undo.push(() => weavers.stop());
  const defs = await loadProviderDefinitions(Object.keys(upstreams), log);
  const app = createApp({
    backend,
    upstreams,
    providers: createProviderClients(upstreams, defs),
    allowedModels: list(env.LOOM_SERVER_ALLOWED_MODELS),
    rateLimitPerMinute,
    maxBodyBytes,
    log,
    fetch: o.fetch,
    web: o.web === undefined ? await loadWebAssets() : o.web,
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
    weavers,
  });
  const server = listen(o.host ?? "127.0.0.1", o.port ?? 8080, (req, srv) => {
    setClientIp(req, srv.requestIP(req)?.address);
    setUpgrader(req, (data) => srv.upgrade(req, { data }));
    return app.handle(req);
  });
  // An IPv6 address needs brackets in a URL (`http://[::1]:8080`).
  const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
  url = `http://${host}:${server.port}`;
  weavers?.sweeper.start(weavers.settings.sweepMs);
  log.info("server.started", { url, providers: Object.keys(upstreams), database: backend.kind });
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
    get db(): Db {
      if (!sqliteDb) throw new Error("this server runs on PostgreSQL: use its backend");
      return sqliteDb;
    },
    backend,
    database,
    weavers,
    async stop() {
      await weavers?.stop();
      await server.stop(true);
      // Usage still waiting (the lock, the network) gets one more busy timeout; what is left is logged as lost.
      await backend.close();
    },
  };
}

/**
 * The weavers from `[weavers]`: the local driver under `<data>/weavers`, or the Kubernetes driver
 * (imported only when chosen: its client library is large).
 */
async function weaverService(
  c: NonNullable<ServeOptions["weavers"]>,
  o: {
    env: Env;
    log: ReturnType<typeof createLogger>;
    serverUrl: () => string;
    hidden: string[];
    lock?: ReturnType<typeof pgRoundLock>;
  },
): Promise<WeaverService> {
  const root = join(dataDir(o.env), "weavers");
  const duration = (v: string, name: string) => {
    const ms = parseDuration(v);
    if (!ms)
      throw new LoomError(
        "CONFIG_INVALID",
        `weavers.${name}: ${JSON.stringify(v)} is not a duration like 30m or 8h`,
      );
    return ms;
  };
  const cgroup = c.local.cgroup;
  if (cgroup && cgroup !== "none" && !cgroup.startsWith("/"))
    throw new LoomError(
      "CONFIG_INVALID",
      `weavers.local.cgroup: ${JSON.stringify(cgroup)} is neither an absolute cgroup folder nor "none"`,
    );
  const driver =
    c.driver === "kubernetes"
      ? (await import("./weavers/kubernetes/index.ts")).createKubernetesDriver(
          c.kubernetes ?? (Value.Default(WeaversKubernetesConfig, {}) as WeaversKubernetesConfig),
        )
      : createLocalDriver({
          root,
          serverUrl: o.serverUrl,
          sandbox: c.local.sandbox,
          hidden: [dataDir(o.env), ...o.hidden],
          ...(c.local.cgroup ? { cgroup: c.local.cgroup } : {}),
          ...(c.local.limits ? { limits: c.local.limits } : {}),
        });
  return createWeaverService({
    driver,
    settings: {
      maxPerUser: c.max_per_user,
      maxPerOrg: c.max_per_org,
      maxTotal: c.max_total,
      defaultTtlMs: duration(c.default_ttl, "default_ttl"),
      maxTtlMs: duration(c.max_ttl, "max_ttl"),
      readyTimeoutMs: duration(c.ready_timeout, "ready_timeout"),
      sweepMs: duration(c.sweep_interval, "sweep_interval"),
      ...(c.provider ? { provider: c.provider } : {}),
      ...(c.model ? { model: c.model } : {}),
    },
    tokenKey: weaverTokenKey(c.token_secret, join(root, "token.key")),
    webhooks: { urls: c.webhooks, secret: c.webhook_secret },
    serverUrl: o.serverUrl,
    log: o.log,
    ...(o.lock ? { lock: o.lock } : {}),
  });
}
