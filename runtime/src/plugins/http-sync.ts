/**
 * A synchronous HTTP request for the `http_fetch` host function. Extism host functions are
 * synchronous on Bun's main thread (no JS Promise Integration), so the request runs in a short
 * helper process and the host waits for it. Redirects are not followed (a redirect could leave
 * the allowed hosts); the plugin sees the 3xx and its Location header.
 */
import { LoomError } from "../errors.ts";

export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface SyncResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TIMEOUT_MS = 30_000;

const SCRIPT = `
const req = JSON.parse(await Bun.stdin.text());
try {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: "manual", signal: AbortSignal.timeout(${TIMEOUT_MS}) });
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > req.max) { process.stdout.write(JSON.stringify({ error: "response body is " + buf.length + " bytes, over the limit of " + req.max })); process.exit(0); }
  process.stdout.write(JSON.stringify({ status: res.status, headers: Object.fromEntries(res.headers), body: new TextDecoder().decode(buf) }));
} catch (e) { process.stdout.write(JSON.stringify({ error: String(e && e.message || e) })); }
`;

export function syncFetch(req: SyncRequest, maxBytes: number): SyncResponse {
  const p = Bun.spawnSync([process.execPath, "-e", SCRIPT], {
    stdin: new TextEncoder().encode(JSON.stringify({ ...req, max: maxBytes })),
    env: { ...process.env, BUN_BE_BUN: "1" },
    timeout: TIMEOUT_MS + 5_000,
  });
  let out: { status?: number; headers?: Record<string, string>; body?: string; error?: string };
  try {
    out = JSON.parse(p.stdout.toString());
  } catch {
    throw new LoomError("TOOL_FAILED", `http_fetch ${req.url}: request helper failed (exit ${p.exitCode})`);
  }
  if (out.error !== undefined) throw new LoomError("TOOL_FAILED", `http_fetch ${req.url}: ${out.error}`);
  return { status: out.status ?? 0, headers: out.headers ?? {}, body: out.body ?? "" };
}
