/**
 * The weaver's clone runs in its bubblewrap sandbox (real bwrap, real git, the real local driver):
 * over HTTP it reaches the repository's own host and nothing else — a redirect to another address
 * fails inside, where the same clone outside the sandbox would follow it; a local repository under
 * a folder the sandbox covers (the server's home, here a stand-in) is shown read-only and cloned; a
 * repository inside the weavers' own folder is refused.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import type { WeaverDriver, WeaverInfo } from "../driver.ts";
import { repoLocation } from "./clone-repo.ts";
import { createLocalDriver } from "./local-driver.ts";

const usable = (await probeSandbox(findBwrap())).ok;
if (!usable && process.env.CI === "true")
  throw new Error("bubblewrap cannot make a sandbox here (CI needs it)");

const root = mkdtempSync(join(tmpdir(), "loom-clone-"));
let files: ReturnType<typeof Bun.serve>;
let redirect: ReturnType<typeof Bun.serve>;
const drivers: WeaverDriver[] = [];

const git = (cwd: string, ...a: string[]) => {
  const r = Bun.spawnSync(["git", "-c", "user.email=t@x", "-c", "user.name=t", ...a], { cwd });
  if (r.exitCode !== 0) throw new Error(`git ${a.join(" ")}: ${r.stderr.toString()}`);
};

beforeAll(() => {
  // A repository in a folder the sandbox covers (standing in for the server's home), and its bare
  // copy served over dumb HTTP; a second server only redirects to the first.
  const src = join(root, "covered", "src");
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, "README.md"), "# cloned\n");
  git(src, "init", "-q", "-b", "main");
  git(src, "add", ".");
  git(src, "commit", "-qm", "init");
  git(root, "clone", "-q", "--bare", src, join(root, "served", "repo.git"));
  git(join(root, "served", "repo.git"), "update-server-info");
  files = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = join(root, "served", decodeURIComponent(new URL(req.url).pathname));
      return existsSync(path) && !path.includes("..")
        ? new Response(Bun.file(path))
        : new Response("", { status: 404 });
    },
  });
  redirect = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) =>
      Response.redirect(
        `http://127.0.0.1:${files.port}${new URL(req.url).pathname}${new URL(req.url).search}`,
        302,
      ),
  });
});

afterAll(async () => {
  for (const d of drivers) for (const w of await d.list()) await d.delete(w.id);
  await files?.stop(true);
  await redirect?.stop(true);
  rmSync(root, { recursive: true, force: true });
});

const driver = () => {
  const d = createLocalDriver({
    root: join(root, "weavers"),
    serverUrl: () => "http://127.0.0.1:9",
    hidden: [join(root, "covered")],
    loom: ["sh", "-c", "cat README.md"],
  });
  drivers.push(d);
  return d;
};

async function run(d: WeaverDriver, repo: string): Promise<{ w: WeaverInfo; log: string[] }> {
  const id = `weaver-${Bun.randomUUIDv7()}`;
  await d.create({ id, owner: { userId: "u1" }, repo, ttlMs: 60_000, task: "t" });
  let w: WeaverInfo | undefined;
  for (let i = 0; i < 600 && w?.status !== "succeeded" && w?.status !== "failed"; i++) {
    await Bun.sleep(25);
    w = await d.get(id);
  }
  const log: string[] = [];
  for await (const l of d.logs(id)) log.push(l.line);
  return { w: w as WeaverInfo, log };
}

test.skipIf(!usable)(
  "over HTTP the sandboxed clone reaches the repository's host, and not an address it is redirected to",
  async () => {
    const d = driver();
    const direct = await run(d, `http://127.0.0.1:${files.port}/repo.git`);
    expect(direct.w.status).toBe("succeeded");
    expect(direct.log).toContain("# cloned");

    const url = `http://127.0.0.1:${redirect.port}/repo.git`;
    // Outside any sandbox git follows the redirect…
    const outside = join(root, "outside");
    // (async: the file server runs in this process)
    const p = Bun.spawn(["git", "clone", "-q", url, outside], { stdout: "ignore", stderr: "pipe" });
    expect(await p.exited).toBe(0);
    expect(readFileSync(join(outside, "README.md"), "utf8")).toBe("# cloned\n");
    // …inside, the proxy lets through only the repository's own host:port.
    const inside = await run(d, url);
    expect(inside.w.status).toBe("failed");
    expect(inside.w.reason).toStartWith("git clone failed: ");
    expect(inside.w.reason).toContain("403");
  },
  60_000,
);

test.skipIf(!usable)(
  "a local repository under a covered folder is shown read-only to the clone",
  async () => {
    const r = await run(driver(), `file://${join(root, "covered", "src")}`);
    expect(r.w.status).toBe("succeeded");
    expect(r.log).toContain("# cloned");
  },
  30_000,
);

test("a repository inside the weavers' own folder is refused in one line; repository locations", async () => {
  const d = driver();
  const e = await d
    .create({
      id: `weaver-${Bun.randomUUIDv7()}`,
      owner: { userId: "u1" },
      repo: join(root, "weavers", "x"),
      ttlMs: 60_000,
    })
    .catch((x: Error) => x);
  expect((e as Error).message).toBe(
    `repo ${join(root, "weavers", "x")} is inside the server's weavers folder: not a repository a weaver may clone`,
  );
  expect(repoLocation("https://github.com/acme/app.git")).toEqual({ host: "github.com:443" });
  expect(repoLocation("http://[::1]:8080/a.git")).toEqual({ host: "[::1]:8080" });
  expect(repoLocation("file:///srv/a")).toEqual({ path: "/srv/a" });
  expect(repoLocation("/srv/a")).toEqual({ path: "/srv/a" });
  expect(repoLocation("git@github.com:acme/app.git")).toBeUndefined();
});
