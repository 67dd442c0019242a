/**
 * The Loom server as an Elysia app. Everything it touches is passed in (database, provider clients,
 * upstreams, clock, fetch), so tests run it in-process with `app.handle(request)` or on a socket.
 * @example
 * const app = createApp({ db: openDb(":memory:") }); // or { backend: await pgBackend(url, …) }
 * const res = await app.handle(new Request("http://loom/health"));
 */
import { openapi } from "@elysiajs/openapi";
import type { LlmClient } from "@loom/runtime/llm";
import { costOf } from "@loom/runtime/providers/catalogue";
import { VERSION } from "@loom/runtime/version";
import { Elysia } from "elysia";
import { adminRoutes } from "./admin/routes.ts";
import { analyticsIngestRoutes } from "./analytics/ingest-routes.ts";
import { analyticsQueryRoutes } from "./analytics/query-routes.ts";
import { deviceCodeRoutes } from "./auth/device-code.ts";
import { createAuthKit } from "./auth/kit.ts";
import { magicLinkRoutes } from "./auth/magic-link.ts";
import type { Mailer } from "./auth/mailer.ts";
import { oauthRoutes } from "./auth/oauth.ts";
import { oauthClients } from "./auth/oauth-clients.ts";
import type { OAuthProviderSettings } from "./auth/oauth-config.ts";
import type { PrincipalResolver } from "./auth/principal.ts";
import { authRoutes } from "./auth/routes.ts";
import type { Backend } from "./db/backend.ts";
import type { Db } from "./db/open.ts";
import { sqliteBackend } from "./db/sqlite-backend.ts";
import type { DbWriter } from "./db/writer.ts";
import { errorsPlugin } from "./errors-plugin.ts";
import { createFlagHub } from "./flags/hub.ts";
import { flagRoutes } from "./flags/routes.ts";
import { flagSdkRoutes } from "./flags/sdk-routes.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./ops/metrics.ts";
import { opsRoutes } from "./ops/routes.ts";
import { invitationRoutes } from "./orgs/invitation-routes.ts";
import { joinRequestRoutes } from "./orgs/join-request-routes.ts";
import { orgRoutes } from "./orgs/routes.ts";
import { teamRoutes } from "./orgs/team-routes.ts";
import { createModelAllowlist } from "./proxy/allowlist.ts";
import { createProxyGuard } from "./proxy/guard.ts";
import type { Upstream } from "./proxy/keys.ts";
import { llmRoutes } from "./proxy/llm-routes.ts";
import { passthroughRoutes } from "./proxy/passthrough.ts";
import type { CostLookup, UsageQueue } from "./proxy/usage.ts";
import { usageReportRoutes } from "./proxy/usage-report-routes.ts";
import { usageRoutes } from "./proxy/usage-routes.ts";
import { createRedactor } from "./redact.ts";
import { threadRoutes } from "./threads/routes.ts";
import type { SearchIndexer } from "./threads/search-indexer.ts";
import { shareRoutes } from "./threads/share-routes.ts";
import { supportRoutes } from "./threads/support-routes.ts";
import { weaverRoutes } from "./weavers/routes.ts";
import type { WeaverService } from "./weavers/service.ts";
import type { WebAssets } from "./web/web-assets.ts";
import { docsRoute, webFallback } from "./web/web-routes.ts";

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface AppOptions {
  /** The SQLite database (the embedded default), when no `backend` is given. */
  db?: Db;
  /** Where threads, tokens, usage and rate limits live (SQLite over `db`, or Postgres). */
  backend?: Backend;
  /** Provider clients for `/proxy/{provider}/complete|stream`, holding the server's keys. */
  providers?: Record<string, LlmClient>;
  /** Upstreams (key + base URL) for the SDK pass-through routes. */
  upstreams?: Record<string, Upstream>;
  /** Exact names or `prefix*`; empty allows all. */
  allowedModels?: string[];
  /** Proxy requests per minute per token (SQLite; a Postgres backend is given its own). */
  rateLimitPerMinute?: number;
  maxBodyBytes?: number;
  /** Cost of a call; default the runtime's model catalogue. */
  cost?: CostLookup;
  log?: Logger;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Extra principal resolvers tried after the built-in credentials (sessions, tokens, API keys). */
  resolvers?: PrincipalResolver[];
  /** `[server] public_url`: links in mail, the CSRF origin, and a Secure cookie when https. */
  publicUrl?: string;
  /** Sends magic links and invitations (`[auth.smtp]`); without one, magic-link sign-in is off. */
  mailer?: Mailer;
  /** A magic link for an unknown address creates the account (`[auth] open_signup`, default true). */
  openSignup?: boolean;
  /** `[auth.oauth.<name>]`: GitHub, Google, OIDC issuers. */
  oauth?: Record<string, OAuthProviderSettings>;
  metrics?: Metrics;
  /** SQLite write transactions (default: `createDbWriter(db.$client)`, 5 s busy timeout). */
  writer?: DbWriter;
  /** SQLite usage accounting queue (default: one over `writer`); the owner calls `close()` on shutdown. */
  usage?: UsageQueue;
  /** Who indexes thread writes for search (default: this thread; `loom serve`: the maintenance worker). */
  searchIndexer?: SearchIndexer;
  /** The built web UI served at `/` (`loadWebAssets()`); null or absent: `/` says how to build it. */
  web?: WebAssets | null;
  /** Weavers (`createWeaverService`): the `/api/weaver…` routes and weaver tokens; absent: no weavers. */
  weavers?: WeaverService;
  /** How often `/api/flags/stream` sends `heartbeat` (ms; default 30 s). */
  flagsHeartbeatMs?: number;
}

export function createApp(o: AppOptions) {
  const clock = o.clock ?? (() => new Date());
  const upstreams = o.upstreams ?? {};
  const providers = o.providers ?? {};
  const secrets = () => Object.values(upstreams).flatMap((u) => (u.apiKey ? [u.apiKey.expose()] : []));
  const redact = createRedactor(secrets);
  const log = o.log ?? createLogger({ secrets });
  const metrics = o.metrics ?? createMetrics();
  const backend = o.backend ?? sqliteBackend(requireDb(o.db), { ...o, clock, log });
  const kit = createAuthKit({
    accounts: backend.accounts,
    tokens: backend.tokens,
    publicUrl: o.publicUrl,
    authEpoch: backend.authEpoch,
  });
  const resolvers = [kit.resolver, ...(o.weavers ? [o.weavers.resolver] : []), ...(o.resolvers ?? [])];
  const guard = createProxyGuard({
    allowModel: createModelAllowlist(o.allowedModels ?? []),
    limiter: backend.limiter,
  });
  const recordUsage = backend.usage.record;
  const started = new WeakMap<Request, number>();
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Fixed for the app's life; /health answers it on every probe.
  const configuredNames = [...new Set([...Object.keys(providers), ...Object.keys(upstreams)])].sort();
  const configured = () => configuredNames;
  const flagHub = createFlagHub(backend.flags.store, backend.flags.bus, (e) =>
    log.error("flags.fanout_failed", { detail: String(e) }),
  );

  const app = new Elysia({ name: "loom.server" })
    .use(errorsPlugin({ maxBodyBytes, log, notFound: webFallback(o.web ?? null) }))
    .onRequest(({ request }) => {
      started.set(request, performance.now());
    })
    .onAfterResponse({ as: "global" }, ({ request, route, set, responseValue }) => {
      const t0 = started.get(request);
      if (t0 === undefined) return;
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status ?? 200);
      const ms = performance.now() - t0;
      metrics.observeRequest({ method: request.method, route: route || "unmatched", status }, ms / 1000);
      // Path only: no query string, no headers, so no credential can reach the log.
      log.info("http.request", {
        method: request.method,
        path: new URL(request.url).pathname,
        status,
        ms: Math.round(ms * 10) / 10,
      });
    })
    .use(
      openapi({
        path: "/api/openapi",
        specPath: "/api/openapi.json",
        // No Scalar/Swagger page (they load scripts from a CDN): /api/docs is a script-free page
        // rendered from this document (web/docs-page.ts).
        provider: null,
        documentation: {
          info: {
            title: "Loom server",
            version: VERSION,
            description: "LLM proxy, threads and auth for Loom.",
          },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
        },
      }),
    )
    .use(opsRoutes({ ping: () => backend.ping(), metrics, providers: configured }))
    .use(authRoutes(resolvers, kit))
    .use(deviceCodeRoutes(resolvers, kit))
    .use(magicLinkRoutes(kit, { mailer: o.mailer, limiter: backend.limiter, openSignup: o.openSignup, log }))
    .use(
      oauthRoutes(kit, {
        clients: oauthClients(o.oauth ?? {}, { skewSeconds: () => (clock().getTime() - Date.now()) / 1000 }),
        magicLink: o.mailer !== undefined,
      }),
    )
    .use(orgRoutes(resolvers, kit))
    .use(invitationRoutes(resolvers, kit, { mailer: o.mailer, log }))
    .use(joinRequestRoutes(resolvers, kit))
    .use(teamRoutes(resolvers, kit))
    .use(adminRoutes(resolvers, kit))
    .use(flagRoutes(resolvers, kit, backend.flags))
    .use(
      flagSdkRoutes(resolvers, kit, backend.flags, { hub: flagHub, clock, heartbeatMs: o.flagsHeartbeatMs }),
    )
    .use(analyticsIngestRoutes({ analytics: backend.analytics, resolvers, clock }))
    .use(analyticsQueryRoutes({ analytics: backend.analytics, resolvers, kit }))
    .use(
      threadRoutes({
        store: backend.threads,
        events: backend.events,
        resolvers,
        clock,
        audit: kit.audit,
        supportAccess: async (id) => (await backend.accounts.supportGrants.live(id)) !== undefined,
      }),
    )
    .use(supportRoutes({ store: backend.threads, resolvers, kit }))
    .use(o.weavers ? weaverRoutes({ ...o.weavers, resolvers }) : new Elysia())
    .use(
      shareRoutes({ store: backend.threads, accounts: backend.accounts, resolvers, clock, audit: kit.audit }),
    )
    .use(usageRoutes({ rows: (u, f, t) => backend.usageRows(u, f, t), resolvers, cost: o.cost ?? costOf }))
    .use(
      usageReportRoutes({
        report: async (scope, f, t) => backend.usageReport(scope, f, t),
        resolvers,
        kit,
        cost: o.cost ?? costOf,
        clock,
      }),
    )
    .use(llmRoutes({ providers, resolvers, guard, recordUsage, metrics, redact, log }))
    .use(
      passthroughRoutes({
        upstreams,
        resolvers,
        guard,
        recordUsage,
        metrics,
        redact,
        log,
        fetch: o.fetch ?? fetch,
        maxBodyBytes,
      }),
    )
    .use(
      docsRoute({
        openapi: async (): Promise<unknown> =>
          (await app.handle(new Request("http://loom/api/openapi.json"))).json(),
      }),
    );
  return app;
}

function requireDb(db: Db | undefined): Db {
  if (!db) throw new Error("createApp needs a db or a backend");
  return db;
}

export type LoomApp = ReturnType<typeof createApp>;
