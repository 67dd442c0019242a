/** `loom admin token create`, `loom serve` and `loom login`, run as the real commands. */
import { afterAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { isolatedEnv } from "../cli/_harness.ts";
import { tempDir } from "./_helpers.ts";

const MAIN = join(import.meta.dir, "../../cli/src/main.ts");
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
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

test("admin token create → serve → login stores the token 0600; a wrong token is refused", async () => {
  const dir = tempDir();
  const env = isolatedEnv(dir);
  const made = await loom(["admin", "token", "create", "--name", "ada"], env);
  expect(made.code).toBe(0);
  const token = made.stdout.trim();
  expect(token).toMatch(/^lt_/);
  expect(made.stderr).not.toContain(token);

  const server = Bun.spawn(["bun", MAIN, "serve", "--port", "0"], { env, stdout: "pipe", stderr: "ignore" });
  procs.push(server);
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  const url = /listening on (\S+)/.exec(first)?.[1] ?? "";
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(first).toContain(join(dir, "data", "loom", "server.db"));

  const ok = await loom(["login", "--server", url, "--token", token], env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("as ada");
  const creds = join(dir, "config", "loom", "credentials.json");
  expect(statSync(creds).mode & 0o777).toBe(0o600);
  expect(await Bun.file(creds).text()).toContain(token);

  const bad = await loom(["login", "--server", url, "--token", "lt_wrong"], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("refused the token");

  const usage = await loom(["serve", "--port", "99999"], env);
  expect(usage.code).toBe(2);
  server.kill("SIGTERM");
  expect(await server.exited).toBe(0);
}, 30_000);

test("careless use: each failure is one line on stderr and a non-zero exit, never a stack trace", async () => {
  const dir = tempDir();
  const env = isolatedEnv(dir);
  const notDir = join(dir, "a-file");
  await Bun.write(notDir, "x");
  // Something that is not a Loom server holds a port: for `serve` (in use) and `login` (wrong server).
  const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<html>hi</html>") });
  const down = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const downUrl = `http://127.0.0.1:${down.port}`;
  await down.stop(true);
  try {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [["serve", "--port", String(other.port)], {}, 1, /cannot listen on 127\.0\.0\.1:\d+: address in use/],
      [["serve", "--port", ""], {}, 2, /--port must be 0-65535/],
      [
        ["serve", "--port", "0"],
        { LOOM_SERVER_DB_PATH: join(notDir, "server.db") },
        1,
        /cannot open server database .*a-file/,
      ],
      [
        ["serve", "--port", "0"],
        { ANTHROPIC_API_KEY_FILE: join(dir, "missing.key") },
        1,
        /ANTHROPIC_API_KEY_FILE: cannot read .*missing\.key \(ENOENT\)/,
      ],
      [
        ["serve", "--port", "0"],
        { LOOM_SERVER_MAX_BODY_BYTES: "lots" },
        1,
        /LOOM_SERVER_MAX_BODY_BYTES must be a positive integer/,
      ],
      [["admin", "token", "create"], {}, 2, /--name/],
      [["admin", "token", "create", "--name", "a\tb"], {}, 2, /--name must not contain control characters/],
      [
        ["admin", "token", "create", "--name", "n".repeat(101)],
        {},
        2,
        /--name must be at most 100 characters/,
      ],
      [
        ["admin", "token", "list"],
        { LOOM_SERVER_DB_PATH: join(notDir, "server.db") },
        1,
        /cannot open server database/,
      ],
      [["login", "--server", downUrl, "--token", "lt_abc"], {}, 1, /cannot reach http:\/\/127\.0\.0\.1:\d+/],
      [
        ["login", "--server", `http://127.0.0.1:${other.port}`, "--token", "lt_abc"],
        {},
        1,
        /is not a Loom server/,
      ],
      [["login", "--server", downUrl, "--token", "sk-ant-oops"], {}, 2, /token must look like lt_/],
      [["login", "--server", "ftp://example.com", "--token", "lt_abc"], {}, 2, /http:\/\/ or https:\/\//],
    ];
    for (const [args, extra, code, message] of cases) {
      const r = await loom(args, { ...env, ...extra });
      const lines = r.stderr.trimEnd().split("\n");
      expect({ args, code: r.code, lines: lines.length }).toEqual({ args, code, lines: 1 });
      expect(lines[0]).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at |\.ts:\d+/);
    }
  } finally {
    await other.stop(true);
  }
}, 30_000);
