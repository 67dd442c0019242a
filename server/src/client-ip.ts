/** The peer address of a request, recorded by `serve.ts` from the socket (sessions and audit show it). */
const ips = new WeakMap<Request, string>();

export function setClientIp(request: Request, ip: string | undefined): void {
  if (ip) ips.set(request, ip);
}

export function clientIp(request: Request): string | null {
  return ips.get(request) ?? null;
}
