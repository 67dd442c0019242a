/**
 * Device-code sign-in (RFC 8628 shape) for the CLI and VS Code:
 * - `POST /api/auth/device/code` → `device_code`, `user_code` (`123-456-789`), `verification_uri`
 *   (`<public_url>/device`), `verification_uri_complete`, `expires_in` 600, `interval` 5;
 * - `POST /api/auth/device/token {device_code}` → `{ access_token, token_type: "Bearer" }` (a new
 *   `cli` session, bearer `ls_…`) or 400 `{ error }` with the RFC's codes: `authorization_pending`,
 *   `slow_down` (the interval grows by 5 s), `expired_token`, `access_denied`, `invalid_grant`;
 * - `GET /api/auth/device/pending?user_code=…`: what a live code would sign in (client name, when
 *   asked, expiry), for the `/device` page to show before the person approves;
 * - `POST /api/auth/device/approve {user_code, approve?}`: a signed-in person approves (or denies).
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { HttpError } from "../http-error.ts";
import { formatUserCode, normaliseUserCode } from "./device-code-store.ts";
import type { AuthKit } from "./kit.ts";
import { authPlugin } from "./plugin.ts";
import type { PrincipalResolver } from "./principal.ts";

export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
const METHOD = "device-code";

const ERROR_TEXT = {
  authorization_pending: "waiting for the code to be approved",
  slow_down: "polling too fast: wait longer between polls",
  expired_token: "the code expired: start again",
  access_denied: "the sign-in was denied",
  invalid_grant: "unknown or already used device code",
} as const;

const oauthError = (error: keyof typeof ERROR_TEXT | "unsupported_grant_type", description?: string) =>
  Response.json(
    { error, error_description: description ?? ERROR_TEXT[error as keyof typeof ERROR_TEXT] },
    { status: 400, headers: { "cache-control": "no-store" } },
  );

export function deviceCodeRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  const codes = kit.accounts.deviceCodes;
  return new Elysia({ prefix: "/api/auth/device", detail: { tags: ["auth"] } })
    .use(authPlugin(resolvers))
    .post(
      "/code",
      async ({ body, request }) => {
        const g = await codes.create({ clientName: body?.client_name });
        const base = (kit.publicUrl ?? new URL(request.url).origin).replace(/\/+$/, "");
        return {
          device_code: g.deviceCode,
          user_code: g.userCode,
          verification_uri: `${base}/device`,
          verification_uri_complete: `${base}/device?user_code=${g.userCode}`,
          expires_in: g.expiresIn,
          interval: g.interval,
        };
      },
      {
        body: t.Optional(t.Object({ client_name: t.Optional(t.String({ maxLength: 100 })) })),
        detail: {
          summary: "Start a device-code sign-in (RFC 8628)",
          operationId: "auth.device.code",
          ...access("Write", "none"),
        },
      },
    )
    .post(
      "/token",
      async ({ body, request }) => {
        if (body.grant_type !== undefined && body.grant_type !== DEVICE_GRANT_TYPE)
          return oauthError("unsupported_grant_type", `grant_type must be ${DEVICE_GRANT_TYPE}`);
        const out = await codes.poll(body.device_code);
        if (out.kind !== "approved") {
          if (out.kind === "access_denied" || out.kind === "expired_token" || out.kind === "invalid_grant")
            await kit.signInFailed(request, METHOD, out.kind);
          return oauthError(out.kind);
        }
        const { session, secret } = await kit.startSession(out.userId, "cli", request, { method: METHOD });
        return Response.json(
          {
            access_token: secret,
            token_type: "Bearer",
            expires_in: Math.floor((Date.parse(session.expiresAt) - Date.parse(session.createdAt)) / 1000),
            user_id: out.userId,
          },
          { headers: { "cache-control": "no-store" } },
        );
      },
      {
        body: t.Object({
          device_code: t.String({ minLength: 1, maxLength: 200 }),
          grant_type: t.Optional(t.String({ maxLength: 200 })),
        }),
        detail: {
          summary: "Poll a device-code sign-in",
          operationId: "auth.device.token",
          ...access("Write", "none"),
        },
      },
    )
    .get(
      "/pending",
      async ({ query, principal }) => {
        if (principal.via === "apikey")
          throw new HttpError(403, "FORBIDDEN", "an API key cannot sign anyone in");
        const d = await codes.describe(query.user_code);
        if (!d)
          throw new HttpError(
            404,
            "NOT_FOUND",
            "no pending sign-in with that code (expired or already used?)",
          );
        return { userCode: formatUserCode(normaliseUserCode(query.user_code) as string), ...d };
      },
      {
        auth: true,
        query: t.Object({ user_code: t.String({ minLength: 1, maxLength: 20 }) }),
        response: t.Object({
          userCode: t.String(),
          clientName: t.Nullable(t.String()),
          createdAt: t.String(),
          expiresAt: t.String(),
        }),
        detail: {
          summary: "What a pending device-code sign-in would sign in",
          operationId: "auth.device.pending",
          ...access("Read", "user"),
        },
      },
    )
    .post(
      "/approve",
      async ({ body, principal, request, set }) => {
        if (principal.via === "apikey")
          throw new HttpError(403, "FORBIDDEN", "an API key cannot sign anyone in");
        const approve = body.approve ?? true;
        if (!(await codes.decide(body.user_code, principal.userId, approve)))
          throw new HttpError(
            404,
            "NOT_FOUND",
            "no pending sign-in with that code (expired or already used?)",
          );
        await kit.audit(request, principal, {
          action: approve ? "auth.device_approved" : "auth.device_denied",
          targetType: "user",
          targetId: principal.userId,
        });
        set.status = 204;
      },
      {
        auth: true,
        body: t.Object({
          user_code: t.String({ minLength: 1, maxLength: 20 }),
          approve: t.Optional(t.Boolean()),
        }),
        detail: {
          summary: "Approve (or deny) a device-code sign-in",
          operationId: "auth.device.approve",
          ...access("Write", "user"),
        },
      },
    );
}
