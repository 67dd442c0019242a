/**
 * The filtering HTTP proxy a sandbox with a host allow-list is forced through. It listens on a Unix
 * socket (bound into the sandbox, whose own network namespace has nothing else) and takes
 * `CONNECT host:port` (HTTPS, any TCP) and absolute-URI plain HTTP (`GET http://host/…`). The host
 * is always the request target's, never a `Host:` header; a host not in the list gets a 403 whose
 * body names `[sandbox] network`. Names are resolved here, on the host: the sandbox needs no DNS.
 * Bodies stream both ways; a connection idle too long is closed.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { type HostRule, hostAllowed } from "./host-rules.ts";

export interface ProxyOptions {
  /** A connection with no bytes either way for this long is closed (default 5 minutes). */
  idleMs?: number;
  /** The most bytes a request head may have (default 64 KiB). */
  maxHeadBytes?: number;
}

const DEFAULT_IDLE_MS = 5 * 60_000;
const DEFAULT_MAX_HEAD = 64 * 1024;

/** A host name or IP literal as it may appear in a request target: nothing else is connected to. */
const TARGET_HOST = /^(?:[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_.])?|\[[0-9a-f:.]+\])$/i;

/** Hop-by-hop headers the proxy does not pass on in plain HTTP (it adds `Connection: close`). */
const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "te",
  "upgrade",
]);

export function refusalBody(host: string, port: number): string {
  return `loom sandbox: ${host}:${port} is not in [sandbox] network, the hosts this sandbox may reach. Ask the user to add it to [sandbox] network in their config.\n`;
}

/** Starts the proxy on `socketPath`; resolves once it listens. */
export function startProxy(
  rules: readonly HostRule[],
  socketPath: string,
  opts: ProxyOptions = {},
): Promise<Server> {
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const maxHead = opts.maxHeadBytes ?? DEFAULT_MAX_HEAD;
  const server = createServer((client) => handle(client, rules, idleMs, maxHead));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function handle(client: Socket, rules: readonly HostRule[], idleMs: number, maxHead: number): void {
  client.setTimeout(idleMs, () => client.destroy());
  client.on("error", () => client.destroy());
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0 ? head.length > maxHead : end > maxHead) {
      client.off("data", onData);
      reply(client, 431, "loom sandbox proxy: request head too large\n");
      return;
    }
    if (end < 0) return;
    client.off("data", onData);
    client.pause();
    const rest = head.subarray(end + 4);
    route(client, head.subarray(0, end).toString("latin1"), rest, rules, idleMs);
  };
  client.on("data", onData);
}

/** Refuses (false) or forwards (true) one request by its request line. */
function route(
  client: Socket,
  headText: string,
  rest: Buffer,
  rules: readonly HostRule[],
  idleMs: number,
): boolean {
  const lines = headText.split("\r\n");
  const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? "");
  if (!m) return reply(client, 400, "loom sandbox proxy: not an HTTP/1 request\n");
  const [, method, target, version] = m as unknown as [string, string, string, string];
  if (method === "CONNECT") {
    const t = /^(.+):(\d{1,5})$/.exec(target);
    const port = t ? Number(t[2]) : 0;
    const host = t?.[1] ?? "";
    if (!t || !TARGET_HOST.test(host) || port < 1 || port > 65535)
      return reply(client, 400, "loom sandbox proxy: CONNECT needs host:port\n");
    if (!hostAllowed(rules, host, port)) return reply(client, 403, refusalBody(host, port));
    return tunnel(client, bare(host), port, idleMs, (upstream) => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (rest.length) upstream.write(rest);
    });
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return reply(
      client,
      400,
      "loom sandbox proxy: only CONNECT host:port and absolute http:// requests are proxied\n",
    );
  }
  if (url.protocol !== "http:")
    return reply(client, 400, `loom sandbox proxy: ${url.protocol} URLs go through CONNECT\n`);
  if (url.username || url.password || !TARGET_HOST.test(url.hostname))
    return reply(client, 400, "loom sandbox proxy: bad request target\n");
  const port = url.port ? Number(url.port) : 80;
  if (!hostAllowed(rules, url.hostname, port)) return reply(client, 403, refusalBody(url.hostname, port));
  const headers = lines
    .slice(1)
    .filter((l) => !HOP_BY_HOP.has(l.slice(0, l.indexOf(":")).trim().toLowerCase()));
  const out = [
    `${method} ${url.pathname}${url.search} ${version}`,
    ...headers,
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  return tunnel(client, bare(url.hostname), port, idleMs, (upstream) => {
    upstream.write(Buffer.concat([Buffer.from(out, "latin1"), rest]));
  });
}

/** Connects to host:port and streams both ways once `ready` has run; 502 when it cannot connect. */
function tunnel(
  client: Socket,
  host: string,
  port: number,
  idleMs: number,
  ready: (upstream: Socket) => void,
): true {
  const upstream = createConnection({ host, port });
  let connected = false;
  upstream.setTimeout(idleMs, () => {
    upstream.destroy();
    client.destroy();
  });
  upstream.once("connect", () => {
    connected = true;
    ready(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on("error", (e) => {
    if (!connected) reply(client, 502, `loom sandbox proxy: cannot reach ${host}:${port}: ${e.message}\n`);
    else client.destroy();
  });
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => {
    if (connected) client.end();
  });
  return true;
}

function reply(client: Socket, status: number, body: string): false {
  const reason = {
    400: "Bad Request",
    403: "Forbidden",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
  }[status];
  client.end(
    `HTTP/1.1 ${status} ${reason ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  return false;
}

function bare(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
