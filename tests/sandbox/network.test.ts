/**
 * The per-host network allow-list against the real sandbox (bubblewrap): commands reach a listed
 * loopback server through Loom's filtering proxy (curl and Bun's fetch, plain HTTP and CONNECT);
 * an unlisted server is refused; a direct connection around the proxy finds nothing (the sandbox
 * keeps its own network namespace).
 */
import { afterAll, describe, expect } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { closeNetProxies } from "@loom/runtime/sandbox/net-proxy";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { testNeeding } from "../cli/_needs-tool.ts";
import { bash, makeWorld, worldSandbox } from "./_fixture.ts";

const probe = await probeSandbox(findBwrap());
const it = testNeeding("bubblewrap (a working bwrap)", probe.ok);

const hits = { listed: 0, named: 0, other: 0 };
const listed = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (r) => {
    hits.listed++;
    return new Response(`listed ${new URL(r.url).pathname}`);
  },
});
const named = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => {
    hits.named++;
    return new Response("by name");
  },
});
const other = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => {
    hits.other++;
    return new Response("other");
  },
});
const w = makeWorld();
const sandbox = worldSandbox(w, "workspace-write", [`127.0.0.1:${listed.port}`, `localhost:${named.port}`]);
afterAll(() => {
  closeNetProxies();
  for (const s of [listed, named, other]) s.stop(true);
  w.cleanup();
});

describe("[sandbox] network allow-list", () => {
  it("curl and bun fetch reach a listed server through the proxy, plain HTTP and CONNECT", async () => {
    const fetchScript = `console.log(await (await fetch("http://127.0.0.1:${listed.port}/bun")).text())`;
    const r = await bash(
      w,
      sandbox,
      [
        `curl -sS http://127.0.0.1:${listed.port}/plain`,
        "echo",
        `curl -sS --proxytunnel http://127.0.0.1:${listed.port}/tunnel`,
        "echo",
        `${process.execPath} -e '${fetchScript}'`,
      ].join(" && "),
    );
    expect(r).toMatchObject({ exit_code: 0, sandbox: "workspace-write" });
    expect(r.stdout).toBe("listed /plain\nlisted /tunnel\nlisted /bun\n");
    expect(hits.listed).toBe(3);
  });

  it("a listed host name is resolved by the proxy on the host (the sandbox has no DNS)", async () => {
    const r = await bash(w, sandbox, `curl -sS --proxytunnel http://localhost:${named.port}/`);
    expect(r).toMatchObject({ exit_code: 0, stdout: "by name" });
    expect(hits.named).toBe(1);
  });

  it("a server not in the list is refused, by plain HTTP and by CONNECT, with a note naming the list", async () => {
    const plain = await bash(w, sandbox, `curl -sS -f http://127.0.0.1:${other.port}/`);
    expect(plain.exit_code).not.toBe(0);
    expect(plain.stderr).toContain("403");
    const tunnel = await bash(w, sandbox, `curl -sS --proxytunnel http://127.0.0.1:${other.port}/`);
    expect(tunnel.exit_code).not.toBe(0);
    expect(tunnel.stderr).toMatch(/CONNECT tunnel failed, response 403|403 from proxy/);
    expect(tunnel.sandbox_denied).toContain(`127.0.0.1:${listed.port}`);
    const body = await bash(w, sandbox, `curl -sS http://127.0.0.1:${other.port}/`);
    expect(body.stdout).toContain("is not in [sandbox] network");
    expect(hits.other).toBe(0);
  });

  it("a direct connection around the proxy finds nothing, even to a listed server", async () => {
    const before = hits.listed;
    const r = await bash(
      w,
      sandbox,
      `exec 3<>/dev/tcp/127.0.0.1/${listed.port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`,
    );
    expect(r.exit_code).not.toBe(0);
    expect(r.stdout).not.toContain("listed");
    const noProxy = await bash(w, sandbox, `curl -sS --noproxy '*' http://127.0.0.1:${listed.port}/`);
    expect(noProxy.exit_code).not.toBe(0);
    expect(hits.listed).toBe(before);
  });

  it("the command's exit status, cwd, env and its own loopback servers are unchanged under the relay", async () => {
    const r = await bash(w, sandbox, "exit 7");
    expect(r.exit_code).toBe(7);
    // The relay (Bun) starts outside the workspace: a workspace .env does not leak into the command.
    writeFileSync(join(w.ws, ".env"), "FROM_DOTENV=leaked\n");
    const where = await bash(w, sandbox, 'pwd; echo "[$FROM_DOTENV][$BUN_BE_BUN]"');
    expect(where.stdout).toBe(`${w.ws}\n[][]\n`);
    // A list naming no loopback host leaves localhost/127.0.0.1 to the sandbox's own loopback (NO_PROXY).
    const remote = worldSandbox(w, "workspace-write", ["registry.npmjs.org"]);
    const script =
      'const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("inside") }); console.log(await (await fetch("http://localhost:" + s.port)).text()); s.stop(true);';
    const own = await bash(
      w,
      remote,
      `${process.execPath} -e '${script}' && curl -sS http://127.0.0.1:${listed.port}/`,
    );
    expect(own.stdout).toStartWith("inside\n");
    // …and so the host's 127.0.0.1 is out of reach: curl goes direct, into the empty namespace.
    expect(own.exit_code).not.toBe(0);
  });
});
