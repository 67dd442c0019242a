/**
 * OAuth / OIDC sign-in routes over the clients of `oauth-clients.ts`:
 * - `GET /api/auth/providers`: the configured buttons (and whether magic links are on);
 * - `GET /api/auth/oauth/:name/start`: a 302 to the provider; state, nonce and the PKCE verifier go
 *   into the `loom_oauth` cookie (HttpOnly, SameSite=Lax, 10 minutes, path `/api/auth/oauth`);
 * - `GET /api/auth/oauth/:name/callback`: checks and exchanges the code, links the account by the
 *   verified address, sets the session cookie and redirects to `/`. A refusal is audited and 400.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { HttpError } from "../http-error.ts";
import { readCookie } from "./cookies.ts";
import type { AuthKit } from "./kit.ts";
import { type OAuthChecks, type OAuthClient, SignInRefused } from "./oauth-clients.ts";

export const OAUTH_COOKIE = "loom_oauth";
const COOKIE_PATH = "/api/auth/oauth";

const methodOf = (c: OAuthClient) => (c.type === "oidc" ? `oidc:${c.name}` : c.type);

function checksCookie(value: string, o: { secure: boolean; maxAge: number }) {
  return [
    `${OAUTH_COOKIE}=${value}`,
    `Path=${COOKIE_PATH}`,
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${o.maxAge}`,
    ...(o.secure ? ["Secure"] : []),
  ].join("; ");
}

function readChecks(request: Request): OAuthChecks | undefined {
  const raw = readCookie(request, OAUTH_COOKIE);
  if (!raw) return undefined;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<OAuthChecks>;
    if (typeof v.provider === "string" && typeof v.state === "string" && typeof v.verifier === "string")
      return {
        provider: v.provider,
        state: v.state,
        verifier: v.verifier,
        ...(v.nonce ? { nonce: v.nonce } : {}),
      };
  } catch {}
  return undefined;
}

export function oauthRoutes(kit: AuthKit, o: { clients: Map<string, OAuthClient>; magicLink: boolean }) {
  const base = (request: Request) => (kit.publicUrl ?? new URL(request.url).origin).replace(/\/+$/, "");
  const redirectUri = (request: Request, name: string) => `${base(request)}${COOKIE_PATH}/${name}/callback`;
  const find = (name: string) => {
    const c = o.clients.get(name);
    if (!c) throw new HttpError(404, "NOT_FOUND", `no sign-in provider named ${name}`);
    return c;
  };

  return new Elysia({ prefix: "/api/auth", detail: { tags: ["auth"] } })
    .get(
      "/providers",
      () => ({
        oauth: [...o.clients.values()].map((c) => ({
          name: c.name,
          type: c.type,
          displayName: c.displayName,
          url: `${COOKIE_PATH}/${c.name}/start`,
        })),
        magicLink: o.magicLink,
        deviceCode: true,
      }),
      {
        response: t.Object({
          oauth: t.Array(
            t.Object({ name: t.String(), type: t.String(), displayName: t.String(), url: t.String() }),
          ),
          magicLink: t.Boolean(),
          deviceCode: t.Boolean(),
        }),
        detail: {
          summary: "Sign-in methods this server offers",
          operationId: "auth.providers",
          ...access("Read", "none"),
        },
      },
    )
    .get(
      "/oauth/:name/start",
      async ({ params, request }) => {
        const c = find(params.name);
        let started: Awaited<ReturnType<OAuthClient["start"]>>;
        try {
          started = await c.start(redirectUri(request, c.name));
        } catch (e) {
          throw new HttpError(
            502,
            "UPSTREAM_ERROR",
            `cannot reach ${c.displayName}: ${e instanceof Error ? e.message : e}`,
          );
        }
        const value = Buffer.from(JSON.stringify(started.checks)).toString("base64url");
        return new Response(null, {
          status: 302,
          headers: {
            location: started.url,
            "set-cookie": checksCookie(value, { secure: kit.secureCookie, maxAge: 600 }),
            "cache-control": "no-store",
          },
        });
      },
      {
        params: t.Object({ name: t.String({ maxLength: 64 }) }),
        detail: {
          summary: "Start signing in with a provider",
          operationId: "auth.oauth.start",
          ...access("Write", "none"),
        },
      },
    )
    .get(
      "/oauth/:name/callback",
      async ({ params, request }) => {
        const c = find(params.name);
        const method = methodOf(c);
        const refuse = async (reason: string) => {
          await kit.signInFailed(request, method, reason);
          return new HttpError(400, "INVALID_INPUT", `sign-in with ${c.displayName} refused: ${reason}`);
        };
        const checks = readChecks(request);
        if (!checks || checks.provider !== c.name)
          throw await refuse("no sign-in in progress (state cookie missing)");
        const url = new URL(request.url);
        const callback = new URL(`${redirectUri(request, c.name)}${url.search}`);
        let who: Awaited<ReturnType<OAuthClient["finish"]>>;
        try {
          who = await c.finish(callback, checks);
        } catch (e) {
          throw await refuse(e instanceof SignInRefused ? e.reason : String(e));
        }
        const user = await kit.userForVerifiedEmail(who.email, who.name);
        if (user.disabledAt) throw await refuse("account disabled");
        const { setCookie } = await kit.startSession(user.id, "web", request, { method });
        const headers = new Headers({ location: "/", "cache-control": "no-store" });
        headers.append("set-cookie", setCookie as string);
        headers.append("set-cookie", checksCookie("", { secure: kit.secureCookie, maxAge: 0 }));
        return new Response(null, { status: 302, headers });
      },
      {
        params: t.Object({ name: t.String({ maxLength: 64 }) }),
        detail: {
          summary: "Provider callback: finish signing in",
          operationId: "auth.oauth.callback",
          ...access("Write", "none"),
        },
      },
    );
}
