/**
 * A loopback stand-in for GitHub's documented OAuth app endpoints (the only stand-in in the sign-in
 * tests; GitHub's OAuth is not OIDC): `GET /login/oauth/authorize` (signs in `login` at once and
 * redirects back with code and state), `POST /login/oauth/access_token` (client secret and PKCE S256
 * checked; errors as GitHub sends them: 200 with `error`), and the REST API under `/api/v3` (GitHub
 * Enterprise's layout): `GET /user`, `GET /user/emails`.
 */
export interface GithubUser {
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
}

export function startGithubStandIn(o: {
  clientId: string;
  clientSecret: string;
  users: Record<string, GithubUser>;
}) {
  let nextLogin = Object.keys(o.users)[0] ?? "";
  const codes = new Map<string, { login: string; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
        const q = url.searchParams;
        if (q.get("client_id") !== o.clientId) return new Response("unknown client", { status: 404 });
        if (q.get("code_challenge_method") !== "S256")
          return new Response("PKCE S256 expected", { status: 400 });
        const code = crypto.randomUUID();
        const redirectUri = q.get("redirect_uri") ?? "";
        codes.set(code, { login: nextLogin, challenge: q.get("code_challenge") ?? "", redirectUri });
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state") ?? "");
        return Response.redirect(back.href, 302);
      }
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
        const f = new URLSearchParams(await req.text());
        const grant = codes.get(f.get("code") ?? "");
        codes.delete(f.get("code") ?? "");
        const challenge = new Bun.CryptoHasher("sha256")
          .update(f.get("code_verifier") ?? "")
          .digest("base64url");
        const error = (e: string) => Response.json({ error: e, error_description: e });
        if (f.get("client_id") !== o.clientId || f.get("client_secret") !== o.clientSecret)
          return error("incorrect_client_credentials");
        if (!grant || grant.redirectUri !== f.get("redirect_uri")) return error("bad_verification_code");
        if (grant.challenge !== challenge) return error("bad_verification_code");
        const token = `gho_${crypto.randomUUID().replaceAll("-", "")}`;
        tokens.set(token, grant.login);
        return Response.json({ access_token: token, token_type: "bearer", scope: "read:user,user:email" });
      }
      const login = tokens.get((req.headers.get("authorization") ?? "").replace(/^Bearer /, ""));
      const user = login === undefined ? undefined : o.users[login];
      if (url.pathname.startsWith("/api/v3/") && !user)
        return Response.json({ message: "Bad credentials" }, { status: 401 });
      if (user && url.pathname === "/api/v3/user")
        return Response.json({ login: user.login, id: 1, name: user.name });
      if (user && url.pathname === "/api/v3/user/emails") return Response.json(user.emails);
      return Response.json({ message: "Not Found" }, { status: 404 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    /** Who the next authorize request signs in as. */
    as(login: string) {
      nextLogin = login;
    },
    stop: () => server.stop(true),
  };
}
