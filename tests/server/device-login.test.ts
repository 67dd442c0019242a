/**
 * Device-code sign-in end to end: a real `loom login --server URL` process (no token) shows a code,
 * a signed-in user approves it through the HTTP API, the CLI saves its session token 0600, then
 * `loom whoami` and `loom logout` (which revokes the session on the server).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "@loom/server/app";
import { createAuthKit } from "@loom/server/auth-kit";
import { openDb } from "@loom/server/db";
import { silentLogger } from "@loom/server/logger";
import { sqliteBackend } from "@loom/server/sqlite-backend";
import { isolatedEnv } from "../cli/_harness.ts";
import { tempDir } from "./_helpers.ts";

const MAIN = join(import.meta.dir, "../../cli/src/main.ts");
const backend = sqliteBackend(openDb(":memory:"), { clock: () => new Date(), log: silentLogger });
const app = createApp({ backend, log: silentLogger });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) => app.handle(r) });
const url = `http://127.0.0.1:${server.port}`;
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
  await server.stop(true);
});

async function loom(args: string[], env: Record<string, string>) {
  const p = Bun.spawn(["bun", MAIN, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

/** Collects a process's stdout; `until(pattern)` waits for it to match, `all` is everything at exit. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  let wake = () => {};
  const all = (async () => {
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += new TextDecoder().decode(r.value);
      wake();
    }
    wake();
    return text;
  })();
  let ended = false;
  void all.then(() => {
    ended = true;
  });
  return {
    all,
    async until(pattern: RegExp): Promise<RegExpExecArray> {
      for (;;) {
        const m = pattern.exec(text);
        if (m) return m;
        if (ended) throw new Error(`output ended before ${pattern}: ${text}`);
        await new Promise<void>((r) => {
          wake = r;
        });
      }
    },
  };
}

test("loom login (device code) → approved over HTTP by a signed-in user → whoami → logout revokes", async () => {
  const env = isolatedEnv(tempDir());
  const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
  const ada = await kit.userForVerifiedEmail("ada@example.com", "Ada");
  const web = await kit.startSession(ada.id, "web", new Request(`${url}/`));

  const login = Bun.spawn(["bun", MAIN, "login", "--server", url], { env, stdout: "pipe", stderr: "pipe" });
  procs.push(login);
  const out1 = collect(login.stdout as ReadableStream<Uint8Array>);
  const userCode = (await out1.until(/enter the code (\d{3}-\d{3}-\d{3})/))[1] as string;

  const approve = await fetch(`${url}/api/auth/device/approve`, {
    method: "POST",
    headers: { cookie: `loom_session=${web.secret}`, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ user_code: userCode }),
  });
  expect(approve.status).toBe(204);
  const [rest, stderr, code] = await Promise.all([out1.all, new Response(login.stderr).text(), login.exited]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(rest).toContain(`open ${url}/device and enter the code ${userCode}`);
  expect(rest).toContain(`logged in to ${url} as ${ada.id}`);

  const creds = join(env.XDG_CONFIG_HOME as string, "loom", "credentials.json");
  expect(statSync(creds).mode & 0o777).toBe(0o600);
  const token = (JSON.parse(await Bun.file(creds).text()) as { servers: Record<string, { token: string }> })
    .servers[url]?.token as string;
  expect(token).toMatch(/^ls_/);

  const who = await loom(["whoami"], env);
  expect(who.code).toBe(0);
  expect(who.stdout).toContain(`ada@example.com (${ada.id}) on ${url}`);
  expect(who.stdout).toContain("system_admin"); // the first account on the server

  const out = await loom(["logout"], env);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("session revoked");
  const me = await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(me.status).toBe(401);
  expect(await Bun.file(creds).text()).not.toContain(token);
  const after = await loom(["whoami"], env);
  expect(after.code).toBe(2);
  expect(after.stderr).toContain("not logged in to any server");
}, 60_000);

test("a denied device sign-in ends the CLI with one line and exit 1; nothing is saved", async () => {
  const env = isolatedEnv(tempDir());
  const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
  const bo = await kit.userForVerifiedEmail("bo@example.com");
  const web = await kit.startSession(bo.id, "web", new Request(`${url}/`));
  const login = Bun.spawn(["bun", MAIN, "login", "--server", url], { env, stdout: "pipe", stderr: "pipe" });
  procs.push(login);
  const m = await collect(login.stdout as ReadableStream<Uint8Array>).until(
    /enter the code (\d{3}-\d{3}-\d{3})/,
  );
  const deny = await fetch(`${url}/api/auth/device/approve`, {
    method: "POST",
    headers: { cookie: `loom_session=${web.secret}`, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ user_code: m[1], approve: false }),
  });
  expect(deny.status).toBe(204);
  const [stderr, code] = await Promise.all([new Response(login.stderr).text(), login.exited]);
  expect(code).toBe(1);
  expect(stderr.trim()).toBe("loom: the sign-in was denied");
  expect(await Bun.file(join(env.XDG_CONFIG_HOME as string, "loom", "credentials.json")).exists()).toBe(
    false,
  );
}, 60_000);

test("ACP terminal auth (`loom acp-agent --login`) with [server] url signs in with the same device flow", async () => {
  const env = isolatedEnv(tempDir());
  const configDir = join(env.XDG_CONFIG_HOME as string, "loom");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, "config.toml"), `[server]\nurl = "${url}"\n`);
  const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
  const cy = await kit.userForVerifiedEmail("cy@example.com");
  const web = await kit.startSession(cy.id, "web", new Request(`${url}/`));
  const login = Bun.spawn(["bun", MAIN, "acp-agent", "--login"], {
    env,
    cwd: tempDir(),
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(login);
  const out = collect(login.stdout as ReadableStream<Uint8Array>);
  const m = await out.until(/enter the code (\d{3}-\d{3}-\d{3})/);
  const approve = await fetch(`${url}/api/auth/device/approve`, {
    method: "POST",
    headers: { cookie: `loom_session=${web.secret}`, origin: url, "content-type": "application/json" },
    body: JSON.stringify({ user_code: m[1] }),
  });
  expect(approve.status).toBe(204);
  expect(await login.exited).toBe(0);
  expect(await out.all).toContain(`Signed in to ${url} as ${cy.id}.`);
  const who = await loom(["whoami"], env);
  expect(who.stdout).toContain(`cy@example.com (${cy.id})`);
}, 60_000);
