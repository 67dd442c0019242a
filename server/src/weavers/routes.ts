/**
 * `/api/weaver…`: create, list, read, delete weavers, their logs (SSE) and their terminal
 * (WebSocket), and the admins' cleanup. The driver is the record; these routes add the policy, the
 * limits (per user, org and server: 429), the weaver's own token and the webhooks.
 */
import { isLoomError } from "@loom/runtime/errors";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import type { Action, Resource } from "../access/subject.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { Logger } from "../logger.ts";
import type { AttachSession, WeaverDriver, WeaverInfo } from "./driver.ts";
import { newWeaverId, parseDuration, type WeaverSettings } from "./settings.ts";
import type { createSweeper } from "./sweeper.ts";
import type { WeaverTokens } from "./weaver-token.ts";
import type { Webhooks } from "./webhooks.ts";
import { upgraderOf } from "./ws-upgrade.ts";

export interface WeaverRouteOptions {
  driver: WeaverDriver;
  settings: WeaverSettings;
  tokens: WeaverTokens;
  webhooks: Webhooks;
  sweeper: ReturnType<typeof createSweeper>;
  /** The server's URL as a weaver reaches it. */
  serverUrl: () => string;
  resolvers: PrincipalResolver[];
  clock: () => Date;
  log: Logger;
}

const Info = t.Object({
  id: t.String(),
  owner: t.Object({ userId: t.String(), orgId: t.Optional(t.String()) }),
  repo: t.String(),
  branch: t.Optional(t.String()),
  task: t.Optional(t.String()),
  status: t.String(),
  createdAt: t.String(),
  expiresAt: t.String(),
  reason: t.Optional(t.String()),
  exitCode: t.Optional(t.Number()),
  limits: t.Optional(t.String()),
});
const Params = t.Object({ id: t.String({ maxLength: 100 }) });
/** Variables a caller may not set: the weaver's own credential and server, and what would change how Bun starts. */
const RESERVED_ENV = /^(LOOM_TOKEN|LOOM_SERVER_URL|HOME|PATH|BUN_.*|NODE_OPTIONS|LD_.*)$/;

const resourceOf = (w: WeaverInfo): Resource => ({
  type: "weaver",
  ownerId: w.owner.userId,
  orgId: w.owner.orgId ?? null,
});

function need(p: Principal, action: Action, r: Resource) {
  const d = can(subjectOf(p), action, r);
  if (!d.allow) throw new HttpError(403, "FORBIDDEN", d.reason);
}

/** A driver's LoomError as the HTTP answer it stands for. */
function driverError(e: unknown): never {
  if (e instanceof HttpError || !isLoomError(e)) throw e;
  if (e.code === "NOT_FOUND") throw new HttpError(404, "NOT_FOUND", e.message);
  if (e.code === "CONFLICT") throw new HttpError(409, "CONFLICT", e.message);
  if (e.code === "CONFIG_INVALID") throw new HttpError(503, "WEAVERS_UNAVAILABLE", e.message);
  if (e.code === "INVALID_INPUT") throw new HttpError(400, "INVALID_INPUT", e.message);
  if (e.code === "PERMISSION_DENIED") throw new HttpError(502, "WEAVERS_UNAVAILABLE", e.message);
  if (e.code === "WEAVER_FAILED") throw new HttpError(502, "WEAVER_FAILED", e.message);
  throw e;
}

const hours = (ms: number) => `${Math.round((ms / 3600_000) * 100) / 100} h`;

export function weaverRoutes(o: WeaverRouteOptions) {
  const { driver, settings: s } = o;
  /** The weaver if the principal may `action` it: 404 when they may not even read it. */
  const weaverFor = async (p: Principal, id: string, action: Action): Promise<WeaverInfo> => {
    if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", "API keys cannot use weavers");
    const w = await driver.get(id);
    if (!w || !can(subjectOf(p), "Read", resourceOf(w)).allow)
      throw new HttpError(404, "NOT_FOUND", `weaver ${id} not found`);
    need(p, action, resourceOf(w));
    return w;
  };
  // Creations one at a time, so two requests cannot both pass the limits.
  let creating: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = creating.then(fn, fn);
    creating = run.catch(() => {});
    return run;
  };

  const weavers = (n: number) => `${n} ${n === 1 ? "weaver" : "weavers"}`;
  const checkLimits = async (userId: string, orgId: string | undefined) => {
    const active = (await driver.list()).filter((w) => w.status === "pending" || w.status === "running");
    const mine = active.filter((w) => w.owner.userId === userId).length;
    if (mine >= s.maxPerUser)
      throw new HttpError(
        429,
        "WEAVER_LIMIT",
        `you have ${weavers(mine)} running, the most one person may ([weavers] max_per_user = ${s.maxPerUser}): delete one first`,
      );
    if (orgId) {
      const org = active.filter((w) => w.owner.orgId === orgId).length;
      if (org >= s.maxPerOrg)
        throw new HttpError(
          429,
          "WEAVER_LIMIT",
          `org ${orgId} has ${weavers(org)} running, the most an org may ([weavers] max_per_org = ${s.maxPerOrg})`,
        );
    }
    if (active.length >= s.maxTotal)
      throw new HttpError(
        429,
        "WEAVER_LIMIT",
        `this server runs ${weavers(active.length)}, its limit ([weavers] max_total = ${s.maxTotal}): try again later`,
      );
  };

  const watchReady = (w: WeaverInfo) => {
    driver
      .waitReady(w.id, s.readyTimeoutMs)
      .then((ready) => o.webhooks.send("weaver.ready", ready))
      .catch(async (e) => {
        o.log.info("weaver.not_ready", { id: w.id, reason: String((e as Error).message).slice(0, 200) });
        const now = await driver.get(w.id).catch(() => undefined);
        if (now) await o.sweeper.exited(now);
      });
  };

  return new Elysia({ detail: { tags: ["weavers"] } })
    .use(authPlugin(o.resolvers))
    .post(
      "/api/weaver",
      async ({ principal, body, set }) => {
        const me = principal.userId;
        const orgId = body.orgId ?? undefined;
        need(principal, "Write", { type: "weaver", ownerId: me, orgId: orgId ?? null });
        const ttlMs = body.ttl === undefined ? s.defaultTtlMs : parseDuration(body.ttl);
        if (!ttlMs)
          throw new HttpError(
            400,
            "INVALID_INPUT",
            `ttl ${JSON.stringify(body.ttl)} is not a duration like 30m, 8h or 2d`,
          );
        if (ttlMs > s.maxTtlMs)
          throw new HttpError(
            400,
            "INVALID_INPUT",
            `ttl ${body.ttl} is longer than the ${hours(s.maxTtlMs)} a weaver may live`,
          );
        for (const k of Object.keys(body.env ?? {}))
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || RESERVED_ENV.test(k))
            throw new HttpError(400, "INVALID_INPUT", `env ${k}: not a variable a weaver may be given`);
        const info = await serially(async () => {
          await checkLimits(me, orgId);
          const id = newWeaverId();
          const expiresAt = new Date(o.clock().getTime() + ttlMs);
          const env: Record<string, string> = {
            ...(s.provider ? { LOOM_AGENT__PROVIDER: s.provider } : {}),
            ...(s.model ? { LOOM_AGENT__MODEL: s.model } : {}),
            ...body.env,
            LOOM_SERVER_URL: o.serverUrl(),
            LOOM_TOKEN: o.tokens.issue(id, me, expiresAt),
          };
          return driver
            .create({
              id,
              owner: { userId: me, ...(orgId ? { orgId } : {}) },
              repo: body.repo,
              ...(body.branch ? { branch: body.branch } : {}),
              ttlMs,
              ...(body.task ? { task: body.task } : {}),
              ...(body.resources ? { resources: body.resources } : {}),
              env,
            })
            .catch(driverError);
        });
        o.log.info("weaver.created", { id: info.id, owner: me, driver: driver.name });
        o.webhooks.send("weaver.created", info);
        watchReady(info);
        set.status = 201;
        return info;
      },
      {
        auth: true,
        parse: "json",
        body: t.Object({
          repo: t.String({ minLength: 1, maxLength: 2000 }),
          branch: t.Optional(t.String({ minLength: 1, maxLength: 250, pattern: "^[^\\s~^:?*\\[\\\\]+$" })),
          ttl: t.Optional(t.Union([t.String({ maxLength: 20 }), t.Number({ exclusiveMinimum: 0 })])),
          task: t.Optional(t.String({ minLength: 1, maxLength: 100_000 })),
          orgId: t.Optional(t.String({ maxLength: 100 })),
          resources: t.Optional(
            t.Object(
              {
                memory: t.Optional(t.String({ pattern: "^\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$" })),
                cpu: t.Optional(t.String({ pattern: "^\\d+(\\.\\d+)?m?$" })),
              },
              { additionalProperties: false },
            ),
          ),
          env: t.Optional(t.Record(t.String(), t.String({ maxLength: 10_000 }), { maxProperties: 100 })),
        }),
        response: { 201: Info },
        detail: {
          summary: "Start a weaver on a clone of a repository",
          operationId: "weaver.create",
          ...access("Write", "weaver"),
        },
      },
    )
    .get(
      "/api/weavers",
      async ({ principal }) => {
        need(principal, "Read", { type: "weaver", ownerId: principal.userId, orgId: null });
        const subject = subjectOf(principal);
        const items = (await driver.list()).filter((w) => can(subject, "Read", resourceOf(w)).allow);
        items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        return { items };
      },
      {
        auth: true,
        response: t.Object({ items: t.Array(Info) }),
        detail: {
          summary: "My weavers, and my orgs' for org admins",
          operationId: "weaver.list",
          ...access("Read", "weaver"),
        },
      },
    )
    .get("/api/weaver/:id", ({ principal, params }) => weaverFor(principal, params.id, "Read"), {
      auth: true,
      params: Params,
      response: Info,
      detail: { summary: "One weaver", operationId: "weaver.get", ...access("Read", "weaver") },
    })
    .delete(
      "/api/weaver/:id",
      async ({ principal, params, set }) => {
        const w = await weaverFor(principal, params.id, "Delete");
        if (await driver.delete(w.id).catch(driverError)) {
          o.log.info("weaver.deleted", { id: w.id, by: principal.userId });
          o.webhooks.send("weaver.deleted", { ...w, status: "terminating" });
        }
        set.status = 204;
      },
      {
        auth: true,
        params: Params,
        detail: {
          summary: "Stop and remove a weaver",
          operationId: "weaver.delete",
          ...access("Delete", "weaver"),
        },
      },
    )
    .get(
      "/api/weaver/:id/logs",
      async ({ principal, params, query, request }) => {
        const w = await weaverFor(principal, params.id, "Read");
        const abort = new AbortController();
        request.signal.addEventListener("abort", () => abort.abort());
        let lines: AsyncIterable<{ line: string; timestamp: string }>;
        try {
          lines = driver.logs(w.id, {
            follow: query.follow === true,
            tail: query.tail,
            signal: abort.signal,
          });
        } catch (e) {
          driverError(e);
        }
        const enc = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async start(controller) {
            try {
              controller.enqueue(enc.encode(": logs\n\n"));
              for await (const l of lines) {
                if (abort.signal.aborted) break;
                controller.enqueue(
                  enc.encode(`data: ${JSON.stringify({ line: l.line, timestamp: l.timestamp })}\n\n`),
                );
              }
              controller.close();
            } catch {
              try {
                controller.close();
              } catch {}
            }
          },
          cancel() {
            abort.abort();
          },
        });
        return new Response(body, {
          headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
        });
      },
      {
        auth: true,
        params: Params,
        query: t.Object({
          follow: t.Optional(t.Boolean()),
          tail: t.Optional(t.Integer({ minimum: 0, maximum: 100_000 })),
        }),
        detail: {
          summary:
            "The weaver's output as SSE `{ line, timestamp }` (the last `tail` lines, then new ones with `follow`)",
          operationId: "weaver.logs",
          ...access("Read", "weaver"),
        },
      },
    )
    .get(
      "/api/weaver/:id/attach",
      async ({ principal, params, query, request }) => {
        const w = await weaverFor(principal, params.id, "Write");
        const upgrade = upgraderOf(request);
        if (!upgrade || request.headers.get("upgrade")?.toLowerCase() !== "websocket")
          throw new HttpError(
            426,
            "UPGRADE_REQUIRED",
            "attach is a WebSocket: connect with Upgrade: websocket",
            undefined,
            { upgrade: "websocket" },
          );
        const size = query.cols && query.rows ? { cols: query.cols, rows: query.rows } : undefined;
        const session = await driver.attach(w.id, size).catch(driverError);
        if (!upgrade(attachHandlers(session))) {
          session.close();
          throw new HttpError(400, "INVALID_INPUT", "WebSocket upgrade failed");
        }
        return new Response(null, { status: 101 });
      },
      {
        auth: true,
        params: Params,
        query: t.Object({
          cols: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
          rows: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
        }),
        detail: {
          summary:
            'The weaver\'s terminal over a WebSocket: binary frames both ways, `{"type":"resize","cols","rows"}` text messages',
          operationId: "weaver.attach",
          ...access("Write", "weaver"),
        },
      },
    )
    .post(
      "/api/weavers/cleanup",
      async ({ principal }) => {
        need(principal, "Delete", { type: "weavers" });
        return { deleted: (await o.sweeper.sweep(true)) ?? [] };
      },
      {
        auth: true,
        response: t.Object({ deleted: t.Array(t.String()) }),
        detail: {
          summary: "Remove expired weavers and those whose process is gone now (system admins)",
          operationId: "weaver.cleanup",
          ...access("Delete", "weavers"),
        },
      },
    );
}

/** Pumps the terminal to the socket; binary messages type, `{type:"resize"}` text messages resize. */
function attachHandlers(session: AttachSession) {
  return {
    open(ws: import("bun").ServerWebSocket<unknown>) {
      void (async () => {
        for await (const chunk of session.output) ws.sendBinary(chunk);
        ws.close(1000, "weaver terminal closed");
      })().catch(() => ws.close(1011, "weaver terminal failed"));
    },
    message(_ws: unknown, data: string | Buffer) {
      if (typeof data !== "string") return session.write(new Uint8Array(data));
      try {
        const m = JSON.parse(data) as { type?: string; cols?: number; rows?: number };
        if (m.type === "resize" && Number.isInteger(m.cols) && Number.isInteger(m.rows))
          session.resize(
            Math.min(Math.max(1, m.cols ?? 80), 1000),
            Math.min(Math.max(1, m.rows ?? 24), 1000),
          );
      } catch {}
    },
    close() {
      session.close();
    },
  };
}
