import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHostRules } from "./host-rules.ts";
import { startProxy } from "./proxy.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-proxy-test-"));
const seen: string[] = [];
const allowed = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (r) => {
    seen.push(
      `A ${r.method} ${new URL(r.url).pathname} host=${r.headers.get("host")} conn=${r.headers.get("connection")}`,
    );
    return new Response(`A:${(await r.text()).length}`);
  },
});
let refusedHits = 0;
const refused = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => {
    refusedHits++;
    return new Response("B");
  },
});
/** A raw TCP echo server: what CONNECT tunnels to. */
const echo: Server = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
const echoPort = (echo.address() as { port: number }).port;

const rules = parseHostRules([`127.0.0.1:${allowed.port}`, `127.0.0.1:${echoPort}`, "localhost:1"]);
const sock = join(dir, "p.sock");
const proxy = await startProxy(rules, sock);
const idleSock = join(dir, "idle.sock");
const idleProxy = await startProxy(rules, idleSock, { idleMs: 100, maxHeadBytes: 1024 });

afterAll(() => {
  proxy.close();
  idleProxy.close();
  echo.close();
  allowed.stop(true);
  refused.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `data` to the proxy and returns everything it answers until it closes. */
function talk(data: string | Buffer, path = sock): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    const parts: Buffer[] = [];
    c.on("data", (d: Buffer) => parts.push(d));
    c.on("error", reject);
    c.on("close", () => resolve(Buffer.concat(parts).toString("latin1")));
    c.write(data);
  });
}

/** Opens a CONNECT tunnel; resolves with the socket once the proxy said 200 (or with its refusal). */
function connect(target: string, path = sock): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      c.off("data", onData);
      resolve({ socket: c, head: buf });
    };
    c.on("data", onData);
    c.on("error", reject);
    c.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

describe("filtering proxy", () => {
  test("an absolute-URI request to a listed host is forwarded in origin form with Connection: close", async () => {
    const body = "x".repeat(200_000);
    const r = await talk(
      `POST http://127.0.0.1:${allowed.port}/up?q=1 HTTP/1.1\r\nHost: 127.0.0.1:${allowed.port}\r\nProxy-Connection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(r).toStartWith("HTTP/1.1 200");
    expect(r).toEndWith("A:200000");
    expect(seen.at(-1)).toBe(`A POST /up host=127.0.0.1:${allowed.port} conn=close`);
  });

  test("a host not in the list gets 403 naming [sandbox] network and no connection", async () => {
    const r = await talk(`GET http://127.0.0.1:${refused.port}/ HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(r).toStartWith("HTTP/1.1 403 Forbidden");
    expect(r).toContain(`127.0.0.1:${refused.port} is not in [sandbox] network`);
    const c = await connect(`127.0.0.1:${refused.port}`);
    expect(c.head).toStartWith("HTTP/1.1 403");
    c.socket.destroy();
    expect(refusedHits).toBe(0);
  });

  test("the request target decides, never the Host header; origin-form requests are refused", async () => {
    const smuggled = await talk(
      `GET http://127.0.0.1:${allowed.port}/s HTTP/1.1\r\nHost: 127.0.0.1:${refused.port}\r\n\r\n`,
    );
    expect(smuggled).toContain("A:0");
    const origin = await talk(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${allowed.port}\r\n\r\n`);
    expect(origin).toStartWith("HTTP/1.1 400");
    const https = await talk(`GET https://127.0.0.1:${allowed.port}/ HTTP/1.1\r\n\r\n`);
    expect(https).toStartWith("HTTP/1.1 400");
    expect(refusedHits).toBe(0);
  });

  test("an IP literal, another spelling or another port of a listed name is refused", async () => {
    for (const target of ["127.0.0.1:1", "2130706433:1", "localhost:2", "[::1]:1", "localhost:1@evil:1"]) {
      const c = await connect(target);
      expect(c.head).toMatch(/^HTTP\/1\.1 40[03]/);
      c.socket.destroy();
    }
  });

  test("CONNECT to a listed host streams bytes both ways", async () => {
    const { socket, head } = await connect(`127.0.0.1:${echoPort}`);
    expect(head).toStartWith("HTTP/1.1 200");
    const big = Buffer.alloc(1_000_000, 7);
    let got = 0;
    const done = new Promise<void>((resolve) =>
      socket.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= big.length) resolve();
      }),
    );
    socket.write(big);
    await done;
    expect(got).toBe(big.length);
    socket.destroy();
  });

  test("a listed host that does not answer is a 502", async () => {
    const c = await connect("localhost:1");
    expect(c.head).toStartWith("HTTP/1.1 502");
    c.socket.destroy();
  });

  test("an idle tunnel is closed; a head too large is refused", async () => {
    const { socket, head } = await connect(`127.0.0.1:${echoPort}`, idleSock);
    expect(head).toStartWith("HTTP/1.1 200");
    await new Promise<void>((resolve) => socket.on("close", () => resolve()));
    const r = await talk(
      `GET http://127.0.0.1:${allowed.port}/ HTTP/1.1\r\nX: ${"y".repeat(2000)}\r\n\r\n`,
      idleSock,
    );
    expect(r).toStartWith("HTTP/1.1 431");
    expect(await talk("garbage\r\n\r\n")).toStartWith("HTTP/1.1 400");
  });
});
