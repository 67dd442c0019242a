/**
 * The web app mounted in happy-dom against the real server app in-process (SQLite; the page's fetch
 * goes to `app.handle`), for page tests that act as several signed-in people. Registers its own
 * beforeAll/afterAll (fetch swapped in and back, the backend closed).
 * @example
 * const h = await appHarness();
 * const olga = await h.person("olga@example.com", "Olga");
 * const { wrapper } = await h.mountAt("/support", olga.token);
 * await h.until(() => wrapper.find(".empty").exists());
 */
import { afterAll, beforeAll } from "bun:test";
import { createApp } from "@loom/server/app";
import { createAuthKit } from "@loom/server/auth-kit";
import { silentLogger } from "@loom/server/logger";
import { testBackend } from "@loom/server/test-backends";
import { useDom } from "./dom.ts";
import { appMounter } from "./mount-app.ts";

export async function appHarness() {
  useDom();
  const { mountAt, until } = await appMounter();

  const backend = await testBackend("sqlite");
  const app = createApp({ log: silentLogger, backend });
  const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await backend.close();
  });

  return {
    app,
    backend,
    /** An account (created when new) and a session token for it. */
    async person(email: string, name: string) {
      const user = await kit.userForVerifiedEmail(email, name);
      return { id: user.id, token: (await kit.startSession(user.id, "cli", new Request("http://x"))).secret };
    },
    /** A request to the server as `token`, JSON body when given. */
    call(method: string, path: string, token: string, body?: unknown) {
      return app.handle(
        new Request(`http://localhost${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
    /** The whole app at `path`, signed in with `token`. */
    mountAt: (path: string, token: string) => mountAt(path, token),
    until,
  };
}
