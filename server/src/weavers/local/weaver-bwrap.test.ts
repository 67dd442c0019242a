/**
 * The local weaver's sandbox, run for real with bubblewrap: the workspace is writable, nothing else
 * on the host is (the server's data dir, the root), the host's home and the server's data dir are
 * not readable, and the network reaches the server's address and nothing else.
 */

import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseHostRules } from "@loom/runtime/sandbox/host-rules";
import { type NetProxy, openNetProxy } from "@loom/runtime/sandbox/net-proxy";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { sandboxPath } from "./sandbox-path.ts";
import { weaverBwrapArgs } from "./weaver-bwrap.ts";

const bwrap = findBwrap();
const usable = bwrap !== undefined && (await probeSandbox(bwrap)).ok;
if (!usable && process.env.CI === "true")
  throw new Error("bubblewrap cannot make a sandbox here (CI needs it)");

let root: string;
let proxy: NetProxy;
let server: ReturnType<typeof Bun.serve>;
let other: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  // Not under /tmp: the sandbox's /tmp is its own, which would hide the point. Inside the checkout,
  // which the sandbox shows again read-only (Loom runs from it), so a hidden folder there must stay hidden.
  const base = join(import.meta.dir, "../../../../.loom-test-weavers");
  mkdirSync(base, { recursive: true });
  root = mkdtempSync(join(base, "sandbox-"));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("server") });
  other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("other") });
  if (usable) proxy = await openNetProxy(parseHostRules([`127.0.0.1:${server.port}`]));
});

afterAll(async () => {
  proxy?.close();
  await server?.stop(true);
  await other?.stop(true);
  rmSync(join(root, ".."), { recursive: true, force: true });
});

test.skipIf(!usable)(
  "writes stay in the workspace; the host's home and the server's data are unreadable; only the server is reachable",
  async () => {
    const data = join(root, "data");
    const weaver = join(data, "weavers", "w1");
    const workspace = join(weaver, "workspace");
    const home = join(weaver, "home");
    const hostHome = join(root, "host-home");
    for (const d of [workspace, home, hostHome]) mkdirSync(d, { recursive: true });
    writeFileSync(join(hostHome, "secret"), "HOSTSECRET");
    writeFileSync(join(data, "server.db"), "DBSECRET");
    const script = [
      "echo made > ws.txt && echo ws-write-ok",
      `echo x > ${join(data, "planted")} 2>/dev/null && echo data-write-ok`,
      `echo x > ${join(root, "planted")} 2>/dev/null && echo outside-write-ok`,
      "echo x > /usr/planted 2>/dev/null && echo usr-write-ok",
      `cat ${join(hostHome, "secret")} 2>/dev/null`,
      `cat ${join(data, "server.db")} 2>/dev/null`,
      `ls -A ${homedir()} | wc -l | sed 's/^/home-entries:/'`,
      `echo home=$HOME`,
      `${process.execPath} -e 'for (const p of [${server.port}, ${other.port}]) { const r = await fetch("http://127.0.0.1:" + p + "/").catch((e) => e.message); console.log("net", p, typeof r === "string" ? r : r.status) }'`,
    ].join("; ");
    const args = weaverBwrapArgs({
      workspace,
      home,
      // Nested covers (the data dir inside the database's folder) as `loom serve` passes them.
      hidden: [homedir(), hostHome, data, root],
      reveal: [join(import.meta.dir, "../../../.."), process.execPath.replace(/\/[^/]+$/, "")],
      proxyDir: proxy.dir,
      hosts: [`127.0.0.1:${server.port}`],
      argv: ["sh", "-c", script],
    });
    const p = Bun.spawn([bwrap as string, ...args], {
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: sandboxPath() },
    });
    const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
    expect({ code: await p.exited, err }).toEqual({ code: 0, err: expect.any(String) });
    expect(out).toContain("ws-write-ok");
    expect(readFileSync(join(workspace, "ws.txt"), "utf8")).toBe("made\n");
    for (const no of ["data-write-ok", "outside-write-ok", "usr-write-ok", "HOSTSECRET", "DBSECRET"])
      expect(out).not.toContain(no);
    expect(existsSync(join(data, "planted")) || existsSync(join(root, "planted"))).toBe(false);
    expect(out).toContain("home-entries:0");
    expect(out).toContain(`home=${home}`);
    expect(out).toContain(`net ${server.port} 200`);
    expect(out).toContain(`net ${other.port} 403`);
  },
  30_000,
);
