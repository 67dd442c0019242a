/**
 * What SDKs and Loom's own clients read: `GET /api/flags/rules` (every live flag's rules in one
 * environment, for local evaluation: server SDK keys and org members), `POST /api/flags/evaluate`
 * (evaluated values for a context: any SDK key), and `GET /api/flags/stream` (SSE: `init`, then
 * `flag.updated`, `flag.archived`, `flag.restored`, `killswitch.activated`, `killswitch.deactivated`,
 * `killswitch.updated`, and `heartbeat` every 30 s). A caller is an SDK key `loom_sdk_…` (its org and
 * environment), or a signed-in member naming `?org=` (and `?environment=`, default `prod`).
 */

import { evaluate } from "@loom/flags/evaluate";
import { publicSwitch, rulesFor, snapshotOf } from "@loom/flags/snapshot";
import type { EvaluationContext, FlagSnapshot } from "@loom/flags/types";
import { ENVIRONMENT_PATTERN } from "@loom/flags/types";
import { encodeSse } from "@loom/runtime/sync/sse";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { bearerOf, type Principal, type PrincipalResolver } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { sseSubscription } from "../sse-subscription.ts";
import type { FlagsBackend } from "./flags-backend.ts";
import type { FlagChange, FlagHub } from "./hub.ts";
import { orgAccess } from "./org-access.ts";
import { EvaluationT, FlagKey, KillSwitchT } from "./schema.ts";
import { SDK_KEY_PREFIX, type SdkKeyInfo } from "./sdk-keys.ts";

export const FLAG_HEARTBEAT_MS = 30_000;

interface Caller {
  orgId: string;
  environment: string;
  /** server keys and members read rules; client keys only evaluated values. */
  rules: boolean;
}

const CallerQuery = t.Object({
  org: t.Optional(t.String({ maxLength: 100 })),
  environment: t.Optional(t.String({ pattern: ENVIRONMENT_PATTERN })),
});

export function flagSdkRoutes(
  resolvers: PrincipalResolver[],
  kit: AuthKit,
  flags: FlagsBackend,
  o: { hub: FlagHub; clock: () => Date; heartbeatMs?: number },
) {
  const { store, sdkKeys } = flags;
  const orgFor = orgAccess(kit);
  const keyOf = new WeakMap<Request, SdkKeyInfo>();
  const sdkResolver: PrincipalResolver = async (request) => {
    const bearer = bearerOf(request);
    if (!bearer?.startsWith(SDK_KEY_PREFIX)) return undefined;
    const key = await sdkKeys.find(bearer);
    if (!key) return undefined;
    keyOf.set(request, key);
    return { userId: key.createdBy, via: "sdk", tokenId: key.id, name: key.name };
  };

  const callerOf = async (p: Principal, request: Request, q: { org?: string; environment?: string }) => {
    const key = keyOf.get(request);
    if (key)
      return { orgId: key.orgId, environment: key.environment, rules: key.kind === "server" } as Caller;
    if (!q.org)
      throw new HttpError(400, "INVALID_INPUT", "name the org: ?org=<id or slug> (or use a flag SDK key)");
    const org = await orgFor(p, request, q.org, "Read");
    return { orgId: org.id, environment: q.environment ?? "prod", rules: true } as Caller;
  };
  const snapshot = async (c: Caller): Promise<FlagSnapshot> =>
    snapshotOf(await store.listFlags(c.orgId), await store.listSwitches(c.orgId), c.environment);

  /** The SSE frame a change makes for one caller, or null when it has nothing for them. */
  const frameOf = (c: Caller, ch: FlagChange): string | null => {
    const type = ch.type;
    if (!c.rules)
      return encodeSse(
        type,
        ch.killSwitch ? { key: ch.key, killSwitch: publicSwitch(ch.killSwitch) } : { key: ch.key },
      );
    if (type === "flag.archived") return encodeSse(type, { key: ch.key });
    if (type === "flag.updated" || type === "flag.restored") {
      if (!ch.flag || ch.flag.archivedAt) return null;
      return encodeSse(type, { flag: rulesFor(ch.flag, c.environment, ch.switches) });
    }
    return ch.killSwitch ? encodeSse(type, { killSwitch: publicSwitch(ch.killSwitch) }) : null;
  };

  return new Elysia({ prefix: "/api/flags", detail: { tags: ["flags"] } })
    .use(authPlugin([sdkResolver, ...resolvers]))
    .get(
      "/rules",
      async ({ principal, request, query }) => {
        const c = await callerOf(principal, request, query);
        if (!c.rules)
          throw new HttpError(
            403,
            "FORBIDDEN",
            "client SDK keys get evaluated values only: POST /api/flags/evaluate",
          );
        return snapshot(c);
      },
      {
        auth: true,
        query: CallerQuery,
        response: t.Object({
          environment: t.String(),
          flags: t.Record(t.String(), t.Unknown()),
          killSwitches: t.Array(KillSwitchT),
        }),
        detail: {
          summary:
            "Every live flag's rules in one environment, for local evaluation (server SDK keys, members)",
          operationId: "flags.sdk.rules",
          ...access("Read", "org"),
        },
      },
    )
    .post(
      "/evaluate",
      async ({ principal, request, query, body }) => {
        const c = await callerOf(principal, request, query);
        const snap = await snapshot(c);
        const now = o.clock().getTime();
        const context = (body?.context ?? {}) as EvaluationContext;
        const keys = body?.flags ?? Object.keys(snap.flags).sort();
        return { environment: c.environment, items: keys.map((k) => evaluate(snap, k, context, now)) };
      },
      {
        auth: true,
        query: CallerQuery,
        body: t.Optional(
          t.Object({
            context: t.Optional(t.Record(t.String({ maxLength: 200 }), t.Unknown(), { maxProperties: 200 })),
            flags: t.Optional(t.Array(FlagKey, { maxItems: 500 })),
          }),
        ),
        response: t.Object({ environment: t.String(), items: t.Array(EvaluationT) }),
        detail: {
          summary: "Evaluated flag values for a context (any SDK key)",
          operationId: "flags.sdk.evaluate",
          ...access("Read", "org"),
        },
      },
    )
    .get(
      "/stream",
      async ({ principal, request, query }) => {
        const c = await callerOf(principal, request, query);
        // Subscribed before the snapshot is read: a change made meanwhile is queued, not lost.
        const queued: string[] = [];
        let deliver: ((s: string) => void) | null = null;
        const off = o.hub.subscribe(c.orgId, (ch) => {
          const frame = frameOf(c, ch);
          if (frame) (deliver ?? ((s: string) => queued.push(s)))(frame);
        });
        let subscribed = true;
        const unsubscribe = () => {
          if (subscribed) off();
          subscribed = false;
        };
        request.signal.addEventListener("abort", unsubscribe); // gone while the snapshot is read
        const snap = await snapshot(c);
        const init = c.rules ? snap : { environment: c.environment, flags: Object.keys(snap.flags).sort() };
        return sseSubscription(request, {
          heartbeat: () => encodeSse("heartbeat", { at: o.clock().toISOString() }),
          heartbeatMs: o.heartbeatMs ?? FLAG_HEARTBEAT_MS,
          start: ({ send }) => {
            send(encodeSse("init", init));
            for (const f of queued.splice(0)) send(f);
            deliver = send;
            return unsubscribe;
          },
        });
      },
      {
        auth: true,
        query: CallerQuery,
        detail: {
          summary:
            "Flag changes as SSE: init, flag.updated, flag.archived, flag.restored, killswitch.activated, killswitch.deactivated, heartbeat",
          operationId: "flags.sdk.stream",
          ...access("Read", "org"),
        },
      },
    );
}
