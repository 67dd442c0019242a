/**
 * The OAuth/OIDC clients for `[auth.oauth.<name>]`, on `openid-client` (v6):
 * - `oidc`: any issuer by discovery (`issuer` + `/.well-known/openid-configuration`); `google` is
 *   `oidc` with Google's issuer. Authorization code + PKCE (S256) + state + nonce; the ID token's
 *   signature (issuer JWKS), issuer, audience, expiry and nonce are checked by openid-client
 *   (`enableNonRepudiationChecks` makes it verify the signature even over TLS from the token endpoint).
 *   The address is the ID token's `email` with `email_verified: true`.
 * - `github`: OAuth 2 (not OIDC) with PKCE and state against GitHub's endpoints (`issuer` may name a
 *   GitHub Enterprise host); the address is the primary verified one from `GET /user/emails`.
 */
import * as client from "openid-client";
import type { OAuthProviderSettings } from "./oauth-config.ts";

export const GOOGLE_ISSUER = "https://accounts.google.com";

export interface VerifiedIdentity {
  email: string;
  name?: string;
}

export class SignInRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface OAuthClient {
  name: string;
  type: OAuthProviderSettings["type"];
  displayName: string;
  /** Where to send the browser; `checks` go into the short-lived cookie. */
  start(redirectUri: string): Promise<{ url: string; checks: OAuthChecks }>;
  /** Exchanges the code and answers the verified address; throws SignInRefused. */
  finish(callbackUrl: URL, checks: OAuthChecks): Promise<VerifiedIdentity>;
}

export interface OAuthChecks {
  provider: string;
  state: string;
  nonce?: string;
  verifier: string;
}

const isLoopback = (u: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);

/** Plain http is allowed only for a loopback issuer (tests, local Keycloak). */
function transportOptions(u: URL) {
  return u.protocol === "http:" && isLoopback(u) ? { execute: [client.allowInsecureRequests] } : {};
}

function refusedBy(e: unknown): SignInRefused {
  if (e instanceof SignInRefused) return e;
  const code = (e as { code?: string }).code;
  const cause = (e as { cause?: unknown }).cause;
  const message = `${e instanceof Error ? e.message : String(e)}${cause instanceof Error ? ` (${cause.message})` : ""}`;
  return new SignInRefused(code ? `${code}: ${message}` : message);
}

export function oidcClient(
  name: string,
  s: OAuthProviderSettings,
  o: { skewSeconds?: () => number } = {},
): OAuthClient {
  const issuer = new URL(s.type === "google" ? (s.issuer ?? GOOGLE_ISSUER) : (s.issuer ?? ""));
  let config: Promise<client.Configuration> | undefined;
  const configuration = () => {
    config ??= client
      .discovery(
        issuer,
        s.client_id,
        { [client.clockSkew]: o.skewSeconds?.() ?? 0 },
        s.client_secret ? client.ClientSecretPost(s.client_secret) : client.None(),
        transportOptions(issuer),
      )
      .then((c) => {
        client.enableNonRepudiationChecks(c);
        return c;
      })
      .catch((e) => {
        config = undefined; // try discovery again on the next sign-in
        throw e;
      });
    return config;
  };
  return {
    name,
    type: s.type,
    displayName: s.display_name ?? (s.type === "google" ? "Google" : name),
    async start(redirectUri) {
      const c = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const checks = { provider: name, state: client.randomState(), nonce: client.randomNonce(), verifier };
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: "openid email profile",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },
    async finish(callbackUrl, checks) {
      let claims: Record<string, unknown> | undefined;
      try {
        const c = await configuration();
        const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const id = tokens.claims();
        if (!id) throw new SignInRefused("no ID token");
        claims = id;
        // Providers may keep scope claims to the userinfo endpoint (OIDC Core 5.4); its `sub` must match.
        if (typeof id.email !== "string")
          claims = { ...(await client.fetchUserInfo(c, tokens.access_token, id.sub)), ...id };
      } catch (e) {
        throw refusedBy(e);
      }
      if (typeof claims.email !== "string" || claims.email_verified !== true)
        throw new SignInRefused("the provider did not verify the e-mail address");
      return { email: claims.email, ...(typeof claims.name === "string" ? { name: claims.name } : {}) };
    },
  };
}

export function githubClient(name: string, s: OAuthProviderSettings): OAuthClient {
  const web = new URL(s.issuer ?? "https://github.com");
  const api = web.hostname === "github.com" ? "https://api.github.com" : `${web.origin}/api/v3`;
  const c = new client.Configuration(
    {
      issuer: web.origin,
      authorization_endpoint: `${web.origin}/login/oauth/authorize`,
      token_endpoint: `${web.origin}/login/oauth/access_token`,
    },
    s.client_id,
    undefined,
    client.ClientSecretPost(s.client_secret),
  );
  if (web.protocol === "http:" && isLoopback(web)) client.allowInsecureRequests(c);
  const get = async <T>(path: string, token: string): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "user-agent": "loom",
      },
    });
    if (!res.ok) throw new SignInRefused(`GitHub answered ${res.status} to ${path}`);
    return (await res.json()) as T;
  };
  return {
    name,
    type: "github",
    displayName: s.display_name ?? "GitHub",
    async start(redirectUri) {
      const verifier = client.randomPKCECodeVerifier();
      const checks = { provider: name, state: client.randomState(), verifier };
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: "read:user user:email",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state: checks.state,
      });
      return { url: url.href, checks };
    },
    async finish(callbackUrl, checks) {
      let access: string;
      try {
        const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
        });
        access = tokens.access_token;
      } catch (e) {
        throw refusedBy(e);
      }
      const user = await get<{ name?: string | null; login?: string }>("/user", access);
      const emails = await get<{ email: string; primary: boolean; verified: boolean }[]>(
        "/user/emails",
        access,
      );
      const email = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
      if (!email) throw new SignInRefused("GitHub has no verified e-mail address for this account");
      const display = user.name ?? user.login;
      return { email: email.email, ...(display ? { name: display } : {}) };
    },
  };
}

export function oauthClients(
  providers: Record<string, OAuthProviderSettings>,
  o: { skewSeconds?: () => number } = {},
): Map<string, OAuthClient> {
  return new Map(
    Object.entries(providers).map(([name, s]) => [
      name,
      s.type === "github" ? githubClient(name, s) : oidcClient(name, s, o),
    ]),
  );
}
