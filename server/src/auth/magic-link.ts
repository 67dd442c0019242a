/**
 * Magic-link sign-in:
 * - `POST /api/auth/magic-link {email}` → 202 with the same body whether or not the address has an
 *   account (with `open_signup`, the default, an unknown address gets a link that creates its
 *   account; without, it gets nothing). The mail is sent after the answer, so timing does not tell
 *   either. Rate-limited per address and per IP (429).
 * - `GET /api/auth/magic-link/verify?token=…` (the link, `<public_url>/api/auth/magic-link/verify`):
 *   single use, 10 minutes; sets the session cookie and redirects to `/`. A used or expired link is
 *   a 400, or for a browser (Accept: text/html) a 303 to `/sign-in?error=link`.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { clientIp } from "../client-ip.ts";
import { HttpError } from "../http-error.ts";
import type { Logger } from "../logger.ts";
import type { RateLimiter } from "../proxy/rate-limit.ts";
import type { AuthKit } from "./kit.ts";
import type { Mailer } from "./mailer.ts";

const METHOD = "magic-link";
/** Link requests per minute for one address, and for one IP. */
export const MAGIC_LINK_PER_ADDRESS_PER_MINUTE = 2;
export const MAGIC_LINK_PER_IP_PER_MINUTE = 10;

export interface MagicLinkOptions {
  mailer?: Mailer;
  limiter: RateLimiter;
  /** Unknown addresses get a link that creates the account (default true). */
  openSignup?: boolean;
  log: Logger;
}

/** A browser navigation (Accept: text/html), as opposed to an API client. */
const wantsPage = (r: Request) => (r.headers.get("accept") ?? "").includes("text/html");

const ACCEPTED = { ok: true, message: "If that address can sign in here, a link is on its way." };

export function magicLinkRoutes(kit: AuthKit, o: MagicLinkOptions) {
  const links = kit.accounts.magicLinks;
  const limited = async (key: string, perMinute: number) => {
    const wait = await o.limiter.take(key, perMinute);
    if (wait !== undefined)
      throw new HttpError(
        429,
        "RATE_LIMITED",
        "too many sign-in links requested: try again later",
        undefined,
        {
          "retry-after": String(Math.ceil(wait / 1000)),
        },
      );
  };
  const send = async (email: string, base: string) => {
    const known = await kit.accounts.users.findByEmail(email);
    if (!known && o.openSignup === false) return;
    if (known?.disabledAt) return;
    const token = await links.create(email);
    const link = `${base}/api/auth/magic-link/verify?token=${token}`;
    await o.mailer?.send({
      to: email,
      subject: "Sign in to Loom",
      text: `Open this link to sign in to Loom (it works once, for 10 minutes):\n\n${link}\n\nIf you did not ask for it, ignore this mail.\n`,
    });
  };

  return new Elysia({ prefix: "/api/auth/magic-link", detail: { tags: ["auth"] } })
    .post(
      "/",
      async ({ body, request, set }) => {
        if (!o.mailer)
          throw new HttpError(
            404,
            "NOT_FOUND",
            "magic-link sign-in is not configured on this server ([auth.smtp])",
          );
        const email = body.email.trim().toLowerCase();
        await limited(`magic-link:ip:${clientIp(request) ?? "unknown"}`, MAGIC_LINK_PER_IP_PER_MINUTE);
        await limited(`magic-link:addr:${email}`, MAGIC_LINK_PER_ADDRESS_PER_MINUTE);
        const base = (kit.publicUrl ?? new URL(request.url).origin).replace(/\/+$/, "");
        // After the answer: the time taken must not tell whether the address has an account.
        void send(email, base).catch((e) =>
          o.log.error("auth.magic_link_failed", { error: e instanceof Error ? e.message : String(e) }),
        );
        set.status = 202;
        return ACCEPTED;
      },
      {
        body: t.Object({ email: t.String({ format: "email", maxLength: 254 }) }),
        response: { 202: t.Object({ ok: t.Boolean(), message: t.String() }) },
        detail: {
          summary: "E-mail a sign-in link",
          operationId: "auth.magicLink.request",
          ...access("Write", "none"),
        },
      },
    )
    .get(
      "/verify",
      async ({ query, request }) => {
        const got = await links.consume(query.token);
        if ("error" in got) {
          await kit.signInFailed(request, METHOD, got.error);
          // A person clicking an old link gets the sign-in page with one line, not a JSON body.
          if (wantsPage(request))
            return new Response(null, {
              status: 303,
              headers: { location: "/sign-in?error=link", "cache-control": "no-store" },
            });
          throw new HttpError(
            400,
            "INVALID_INPUT",
            "this sign-in link is expired or already used: ask for a new one",
          );
        }
        const user = await kit.userForVerifiedEmail(got.email);
        if (user.disabledAt) {
          await kit.signInFailed(request, METHOD, "disabled");
          throw new HttpError(403, "FORBIDDEN", "this account is disabled");
        }
        const { setCookie } = await kit.startSession(user.id, "web", request, { method: METHOD });
        return new Response(null, {
          status: 302,
          headers: { location: "/", "set-cookie": setCookie as string, "cache-control": "no-store" },
        });
      },
      {
        query: t.Object({ token: t.String({ maxLength: 200 }) }),
        detail: {
          summary: "Sign in with an e-mailed link",
          operationId: "auth.magicLink.verify",
          ...access("Write", "none"),
        },
      },
    );
}
