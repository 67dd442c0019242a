/** `loom org …` and `loom apikey …` against a real `loom serve` (the server started in-process). */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { createSandbox, loom, type Sandbox } from "./_harness.ts";

let server: RunningServer;
let sb: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  sb = createSandbox({ "README.md": "x\n" });
  server = await startServer({ port: 0, dbPath: join(sb.root, "server.db"), env: {}, logSink: () => {} });
  createToken(server.db, { name: "root" }); // the first user (system_admin); ada is a plain user
  env = { LOOM_SERVER__URL: server.url, LOOM_TOKEN: createToken(server.db, { name: "ada" }).token };
});
afterAll(async () => {
  await server?.stop();
  sb?.cleanup();
});

test("org create/list/add/members and apikey create/list/revoke", async () => {
  const made = await loom(sb, ["org", "create", "acme", "--name", "Acme Inc"], { env });
  expect(made.stderr).toBe("");
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(/^created org acme \(org_/);
  expect((await loom(sb, ["org", "list"], { env })).stdout).toBe("acme\towner\tAcme Inc\n");
  expect((await loom(sb, ["org", "add", "acme", "root", "--role", "admin"], { env })).code).toBe(0);
  const members = (await loom(sb, ["org", "members", "acme"], { env })).stdout;
  expect(members).toContain("ada\towner");
  expect(members).toContain("root\tadmin");
  // No SMTP on this server: the invitation link is printed for the inviter to pass on.
  const inv = await loom(sb, ["org", "invite", "acme", "bo@example.com"], { env });
  expect(inv.code).toBe(0);
  expect(inv.stdout).toMatch(new RegExp(`^${server.url}/invite\\?token=li_[A-Za-z0-9_-]{43}\n$`));

  const key = await loom(
    sb,
    ["apikey", "create", "ci", "--org", "acme", "--scopes", "threads:read,llm:use"],
    { env },
  );
  expect(key.code).toBe(0);
  const secret = key.stdout.trim();
  expect(secret).toMatch(/^lk_[A-Za-z0-9_-]{43}$/);
  const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(((await me.json()) as { apiKey: { scopes: string[] } }).apiKey.scopes).toEqual([
    "llm:use",
    "threads:read",
  ]);
  const list = (await loom(sb, ["apikey", "list", "--org", "acme"], { env })).stdout;
  expect(list).not.toContain(secret);
  const id = list.split("\t")[0] as string;
  expect(list).toContain("ci\tllm:use,threads:read\t");
  expect((await loom(sb, ["apikey", "revoke", id, "--org", "acme"], { env })).code).toBe(0);
  const after = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
});

test("bad input is one line and a non-zero exit", async () => {
  const scopes = await loom(sb, ["apikey", "create", "x", "--org", "acme", "--scopes", "root:all"], { env });
  expect(scopes.code).toBe(2);
  expect(scopes.stderr).toContain("--scopes: unknown root:all");
  const nope = await loom(sb, ["org", "members", "no-such-org"], { env });
  expect(nope.code).toBe(1);
  expect(nope.stderr.trim().split("\n")).toEqual([
    "loom: GET /api/orgs/no-such-org/members: org no-such-org not found",
  ]);
  const noServer = await loom(sb, ["org", "list"], { env: { LOOM_TOKEN: "lt_x" } });
  expect(noServer.code).toBe(2);
  expect(noServer.stderr).toContain("no server");
});

test("the server: the one logged in to when none is named; a bad URL or a non-Loom answer is one line", async () => {
  const own = createSandbox({ "README.md": "x\n" });
  try {
    const token = createToken(server.db, { name: "cy" }).token;
    expect((await loom(own, ["login", "--server", server.url, "--token", token])).code).toBe(0);
    const list = await loom(own, ["org", "list"]);
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);

    const refused = await loom(own, ["org", "list"], { env: { LOOM_TOKEN: "lt_not-a-real-token" } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `loom: GET /api/orgs: invalid or revoked token (sign in again: loom login --server ${server.url})\n`,
    );

    const bad = await loom(own, ["org", "list", "--server", "notaurl"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("loom: --server is not a URL: notaurl\n");

    // Something else listening there (a web server answering a page for every path).
    const page = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<html>hi</html>") });
    try {
      const html = await loom(own, ["org", "list", "--server", page.url.origin], {
        env: { LOOM_TOKEN: token },
      });
      expect(html.code).toBe(1);
      expect(html.stderr).toBe(
        `loom: GET /api/orgs: ${page.url.origin} answered 200 with something that is not JSON (is it a Loom server?)\n`,
      );
    } finally {
      page.stop(true);
    }
  } finally {
    own.cleanup();
  }
});

test("names other people chose (a display name from a sign-in profile) are printed without escapes", async () => {
  const name = "mallory\u001b]0;owned\u0007\u001b[2J";
  createToken(server.db, { name });
  expect((await loom(sb, ["org", "add", "acme", name], { env })).code).toBe(0);
  const members = await loom(sb, ["org", "members", "acme"], { env });
  expect(members.code).toBe(0);
  expect(members.stdout).toContain("mallory");
  expect(members.stdout).not.toContain("\u001b");
  expect(members.stdout).not.toContain("\u0007");
});

test("whoami uses LOOM_TOKEN before the saved credential, as `loom org` does", async () => {
  const own = createSandbox({ "README.md": "x\n" });
  try {
    const saved = createToken(server.db, { name: "dee" }).token;
    expect((await loom(own, ["login", "--server", server.url, "--token", saved])).code).toBe(0);
    const asSaved = await loom(own, ["whoami"]);
    expect(asSaved.code).toBe(0);
    expect(asSaved.stdout).toMatch(/^dee \(/);
    // The environment's token wins over the saved one, for whoami as for org.
    const asEnv = await loom(own, ["whoami"], { env: { LOOM_TOKEN: env.LOOM_TOKEN as string } });
    expect(asEnv.stderr).toBe("");
    expect(asEnv.code).toBe(0);
    expect(asEnv.stdout).toMatch(/^ada \(/);
    // With no saved credential at all, LOOM_TOKEN and the configured server are enough.
    const envOnly = await loom(sb, ["whoami"], { env });
    expect(envOnly.code).toBe(0);
    expect(envOnly.stdout).toMatch(/^ada \(/);
    const refused = await loom(own, ["whoami"], { env: { LOOM_TOKEN: "lt_not-a-real-token" } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `loom: ${server.url} does not accept the token in LOOM_TOKEN (invalid or revoked)\n`,
    );
  } finally {
    own.cleanup();
  }
});
