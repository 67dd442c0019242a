/**
 * Org flag management (`/api/orgs/:org/flags`, `/kill-switches`, `/flag-keys`): members read, org
 * admins and owners change. Every change is audited and announced on the flag bus (the SSE stream).
 */
import { ENVIRONMENT_PATTERN } from "@loom/flags/types";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { PrincipalResolver } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { OrgItemParams, OrgParams } from "../orgs/schemas.ts";
import { checkAgainstOrg, definitionOf } from "./definition.ts";
import type { FlagEvent } from "./events.ts";
import type { FlagsBackend } from "./flags-backend.ts";
import { orgAccess } from "./org-access.ts";
import { CreateFlagBody, FlagKey, FlagT, KillSwitchT, SdkKeyT, UpdateFlagBody } from "./schema.ts";

const FlagParams = t.Object({ org: t.String({ maxLength: 100 }), key: FlagKey });

export function flagRoutes(resolvers: PrincipalResolver[], kit: AuthKit, flags: FlagsBackend) {
  const { store, sdkKeys, bus } = flags;
  const orgFor = orgAccess(kit);
  const announce = (e: FlagEvent) => bus.publish(e);
  const audit = kit.audit;
  const missing = (key: string) => new HttpError(404, "NOT_FOUND", `flag ${key} not found`);

  return new Elysia({ prefix: "/api/orgs/:org", detail: { tags: ["flags"] } })
    .use(authPlugin(resolvers))
    .get(
      "/flags",
      async ({ principal, params, request, query }) => {
        const org = await orgFor(principal, request, params.org, "Read");
        return { items: await store.listFlags(org.id, { archived: query.archived === "true" }) };
      },
      {
        auth: true,
        params: OrgParams,
        query: t.Object({ archived: t.Optional(t.Union([t.Literal("true"), t.Literal("false")])) }),
        response: t.Object({ items: t.Array(FlagT) }),
        detail: { summary: "An org's flags", operationId: "flags.list", ...access("Read", "org") },
      },
    )
    .post(
      "/flags",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const def = definitionOf(body.key, body);
        await checkAgainstOrg(store, org.id, def);
        const flag = await store.createFlag(org.id, def, principal.userId);
        if (!flag)
          throw new HttpError(409, "CONFLICT", `flag ${body.key} exists (archived flags keep their key)`);
        await audit(request, principal, {
          action: "flag.create",
          targetType: "flag",
          targetId: flag.key,
          orgId: org.id,
        });
        await announce({ orgId: org.id, type: "flag.updated", key: flag.key });
        set.status = 201;
        return flag;
      },
      {
        auth: true,
        params: OrgParams,
        body: CreateFlagBody,
        parse: "json",
        response: { 201: FlagT },
        detail: { summary: "Create a flag", operationId: "flags.create", ...access("ManageOrg", "org") },
      },
    )
    .get(
      "/flags/:key",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "Read");
        const flag = await store.getFlag(org.id, params.key);
        if (!flag) throw missing(params.key);
        return flag;
      },
      {
        auth: true,
        params: FlagParams,
        response: FlagT,
        detail: { summary: "One flag", operationId: "flags.get", ...access("Read", "org") },
      },
    )
    .put(
      "/flags/:key",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const def = definitionOf(params.key, body);
        await checkAgainstOrg(store, org.id, def);
        const out = await store.updateFlag(org.id, def, body.version);
        if (out === "missing") throw missing(params.key);
        if (out === "conflict") {
          const now = await store.getFlag(org.id, params.key);
          throw new HttpError(412, "CONFLICT", `flag ${params.key} changed since version ${body.version}`, {
            version: now?.version,
          });
        }
        await audit(request, principal, {
          action: "flag.update",
          targetType: "flag",
          targetId: out.key,
          orgId: org.id,
          detail: { version: out.version },
        });
        await announce({ orgId: org.id, type: "flag.updated", key: out.key });
        return out;
      },
      {
        auth: true,
        params: FlagParams,
        body: UpdateFlagBody,
        parse: "json",
        response: FlagT,
        detail: {
          summary: "Replace a flag's settings",
          operationId: "flags.update",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/flags/:key/archive",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const flag = await store.setArchived(org.id, params.key, true);
        if (!flag) throw missing(params.key);
        await audit(request, principal, {
          action: "flag.archive",
          targetType: "flag",
          targetId: flag.key,
          orgId: org.id,
        });
        await announce({ orgId: org.id, type: "flag.archived", key: flag.key });
        return flag;
      },
      {
        auth: true,
        params: FlagParams,
        response: FlagT,
        detail: {
          summary: "Archive a flag (SDKs no longer see it)",
          operationId: "flags.archive",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/flags/:key/restore",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const flag = await store.setArchived(org.id, params.key, false);
        if (!flag) throw missing(params.key);
        await audit(request, principal, {
          action: "flag.restore",
          targetType: "flag",
          targetId: flag.key,
          orgId: org.id,
        });
        await announce({ orgId: org.id, type: "flag.restored", key: flag.key });
        return flag;
      },
      {
        auth: true,
        params: FlagParams,
        response: FlagT,
        detail: {
          summary: "Restore an archived flag",
          operationId: "flags.restore",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "/kill-switches",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "Read");
        return { items: await store.listSwitches(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(KillSwitchT) }),
        detail: {
          summary: "An org's kill switches",
          operationId: "killswitches.list",
          ...access("Read", "org"),
        },
      },
    )
    .put(
      "/kill-switches/:key",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const ks = await store.putSwitch(org.id, params.key, {
          description: body.description ?? "",
          flags: body.flags,
        });
        await audit(request, principal, {
          action: "killswitch.update",
          targetType: "killswitch",
          targetId: ks.key,
          orgId: org.id,
          detail: { flags: ks.flags },
        });
        await announce({ orgId: org.id, type: "killswitch.updated", key: ks.key });
        return ks;
      },
      {
        auth: true,
        params: FlagParams,
        body: t.Object({
          description: t.Optional(t.String({ maxLength: 1000 })),
          flags: t.Array(FlagKey, { maxItems: 200 }),
        }),
        parse: "json",
        response: KillSwitchT,
        detail: {
          summary: "Create a kill switch or change the flags it turns off",
          operationId: "killswitches.put",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/kill-switches/:key/activate",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (!(await store.getSwitch(org.id, params.key)))
          await store.putSwitch(org.id, params.key, { description: "", flags: [] });
        const ks = await store.setSwitchActive(org.id, params.key, true, {
          reason: body.reason,
          by: principal.userId,
        });
        if (!ks) throw new HttpError(409, "CONFLICT", `kill switch ${params.key} is already active`);
        await audit(request, principal, {
          action: "killswitch.activate",
          targetType: "killswitch",
          targetId: ks.key,
          orgId: org.id,
          detail: { reason: body.reason, flags: ks.flags },
        });
        await announce({ orgId: org.id, type: "killswitch.activated", key: ks.key });
        return ks;
      },
      {
        auth: true,
        params: FlagParams,
        body: t.Object({ reason: t.String({ minLength: 1, maxLength: 1000 }) }),
        parse: "json",
        response: KillSwitchT,
        detail: {
          summary: "Turn a kill switch on (its flags are off everywhere); the reason goes to the audit log",
          operationId: "killswitches.activate",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/kill-switches/:key/deactivate",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const ks = await store.setSwitchActive(org.id, params.key, false, {
          reason: null,
          by: principal.userId,
        });
        if (!ks) throw new HttpError(404, "NOT_FOUND", `kill switch ${params.key} is not active`);
        await audit(request, principal, {
          action: "killswitch.deactivate",
          targetType: "killswitch",
          targetId: ks.key,
          orgId: org.id,
          detail: { reason: body?.reason ?? null },
        });
        await announce({ orgId: org.id, type: "killswitch.deactivated", key: ks.key });
        return ks;
      },
      {
        auth: true,
        params: FlagParams,
        body: t.Optional(t.Object({ reason: t.Optional(t.String({ maxLength: 1000 })) })),
        detail: {
          summary: "Turn a kill switch off",
          operationId: "killswitches.deactivate",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/flag-keys",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const made = await sdkKeys.create({ orgId: org.id, ...body, createdBy: principal.userId });
        await audit(request, principal, {
          action: "flag_sdk_key.create",
          targetType: "flag_sdk_key",
          targetId: made.id,
          orgId: org.id,
          detail: { kind: made.kind, environment: made.environment },
        });
        set.status = 201;
        return made;
      },
      {
        auth: true,
        params: OrgParams,
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 100 }),
          kind: t.Union([t.Literal("client"), t.Literal("server")]),
          environment: t.String({ pattern: ENVIRONMENT_PATTERN }),
        }),
        parse: "json",
        response: { 201: t.Composite([SdkKeyT, t.Object({ key: t.String() })]) },
        detail: {
          summary: "Create a flag SDK key (shown once)",
          operationId: "flagkeys.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "/flag-keys",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return { items: await sdkKeys.list(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(SdkKeyT) }),
        detail: {
          summary: "An org's flag SDK keys (never the secrets)",
          operationId: "flagkeys.list",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .delete(
      "/flag-keys/:id",
      async ({ principal, params, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (!(await sdkKeys.revoke(org.id, params.id)))
          throw new HttpError(404, "NOT_FOUND", `flag SDK key ${params.id} not found`);
        await audit(request, principal, {
          action: "flag_sdk_key.revoke",
          targetType: "flag_sdk_key",
          targetId: params.id,
          orgId: org.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: OrgItemParams,
        detail: {
          summary: "Revoke a flag SDK key",
          operationId: "flagkeys.revoke",
          ...access("ManageOrg", "org"),
        },
      },
    );
}
