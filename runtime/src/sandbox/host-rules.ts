/**
 * The per-host network allow-list of `[sandbox] network`: which host and port a sandboxed command
 * may reach through Loom's filtering proxy. An entry is a host name (`registry.npmjs.org`), a
 * wildcard over its subdomains (`*.github.com`: any depth, not `github.com` itself), an IPv4
 * address or a bracketed IPv6 one, each with an optional `:port` (absent: 80 and 443; `:*`: any).
 * Matching is on the text of the request target, case-insensitive: an IP reaches only when listed.
 * @example
 * const rules = parseHostRules(["*.github.com", "localhost:8080"]);
 * hostAllowed(rules, "api.github.com", 443); // true
 * hostAllowed(rules, "localhost", 3000); // false
 */
import { LoomError } from "../errors.ts";

export interface HostRule {
  /** Lower-case host, without brackets for IPv6; for a wildcard the suffix after `*.`. */
  host: string;
  wildcard: boolean;
  /** Absent: 80 and 443. `"*"`: any port. */
  port?: number | "*";
}

/** Ports an entry without `:port` allows: plain HTTP and HTTPS. */
export const DEFAULT_PORTS = [80, 443];

const LABEL = "[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?";
const NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/;

/** `[sandbox] network` entries that are hosts (not "loopback" or "*"); throws CONFIG_INVALID. */
export function parseHostRules(entries: readonly string[]): HostRule[] {
  return entries.map(parseHostRule);
}

export function parseHostRule(entry: string): HostRule {
  const bad = (why: string) =>
    new LoomError(
      "CONFIG_INVALID",
      `[sandbox] network: '${entry}': ${why}; expected "loopback", "*", a host ("registry.npmjs.org"), "*.suffix" ("*.github.com") or an IP address, with an optional ":port"`,
    );
  let text = entry.trim().toLowerCase();
  if (text === "" || /\s|\/|@/.test(text)) throw bad("not a host");
  let port: HostRule["port"];
  let host: string;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) throw bad("an IPv6 address needs its closing ']'");
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) throw bad("not a host");
      port = parsePort(rest.slice(1), bad);
    }
    if (!IPV6.test(host) || !host.includes(":")) throw bad("not an IPv6 address");
    return { host, wildcard: false, ...(port !== undefined ? { port } : {}) };
  }
  const colon = text.lastIndexOf(":");
  if (colon >= 0) {
    if (text.indexOf(":") !== colon) throw bad("an IPv6 address goes in brackets ([::1]:8080)");
    port = parsePort(text.slice(colon + 1), bad);
    text = text.slice(0, colon);
  }
  const wildcard = text.startsWith("*.");
  host = wildcard ? text.slice(2) : text;
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (!NAME.test(host)) throw bad(wildcard ? "the part after '*.' is not a host name" : "not a host");
  if (wildcard && !host.includes(".")) throw bad("a wildcard needs a domain with a dot ('*.example.com')");
  if (/^[\d.]+$/.test(host) && (wildcard || !IPV4.test(host))) throw bad("not an IPv4 address");
  return { host, wildcard, ...(port !== undefined ? { port } : {}) };
}

function parsePort(text: string, bad: (why: string) => Error): number | "*" {
  if (text === "*") return "*";
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw bad("the port must be 1-65535 or *");
  return Number(text);
}

/** The host of a request target as the proxy compares it: lower case, no brackets, no final dot. */
export function normalHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

export function hostAllowed(rules: readonly HostRule[], host: string, port: number): boolean {
  const h = normalHost(host);
  return rules.some((r) => {
    const hostOk = r.wildcard ? h.endsWith(`.${r.host}`) : h === r.host;
    if (!hostOk) return false;
    if (r.port === "*") return true;
    return r.port === undefined ? DEFAULT_PORTS.includes(port) : r.port === port;
  });
}

/** An entry written back as configured (normalised): for messages and NO_PROXY. */
export function formatHostRule(r: HostRule): string {
  const host = r.host.includes(":") ? `[${r.host}]` : `${r.wildcard ? "*." : ""}${r.host}`;
  return r.port === undefined ? host : `${host}:${r.port}`;
}
