/**
 * Just enough browser for OAuth tests: follows redirects by hand, keeps cookies per host, and submits
 * the HTML forms a provider shows (login, consent) with their hidden fields plus the given values.
 * Requests to `loomOrigin` go to the Loom app in-process; the rest over the network.
 */
export interface Browser {
  jar: Map<string, Map<string, string>>;
  /** Follows from `url` until a Loom URL whose path matches `stopAt` is next (not requested). */
  visit(url: string, stopAt: RegExp, fill?: Record<string, string>): Promise<URL>;
  /** One request with the host's cookies (set-cookie is stored). */
  request(url: URL | string, init?: RequestInit): Promise<Response>;
}

export function createBrowser(
  loomOrigin: string,
  loom: (r: Request) => Promise<Response> | Response,
): Browser {
  const jar = new Map<string, Map<string, string>>();
  const cookiesOf = (host: string) => {
    const m = jar.get(host) ?? new Map<string, string>();
    jar.set(host, m);
    return m;
  };
  async function request(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const c = [...cookiesOf(u.host)].map(([k, v]) => `${k}=${v}`).join("; ");
    if (c) headers.set("cookie", c);
    const req = new Request(u, { ...init, headers, redirect: "manual" });
    const res = u.origin === loomOrigin ? await loom(req) : await fetch(req);
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line) || value === "")
        cookiesOf(u.host).delete(name);
      else cookiesOf(u.host).set(name, value);
    }
    return res;
  }
  async function visit(start: string, stopAt: RegExp, fill: Record<string, string> = {}): Promise<URL> {
    let url = new URL(start);
    let init: RequestInit = {};
    for (let hop = 0; hop < 30; hop++) {
      if (url.origin === loomOrigin && stopAt.test(url.pathname)) return url;
      const res = await request(url, init);
      init = {};
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
      if (!form) throw new Error(`stuck at ${url} (${res.status}): ${html.slice(0, 300)}`);
      const body = new URLSearchParams();
      for (const input of (form[2] ?? "").matchAll(/<input[^>]*name="([^"]+)"[^>]*>/gi)) {
        const name = input[1] as string;
        const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
        body.set(name, fill[name] ?? value);
      }
      url = new URL((form[1] as string).replaceAll("&amp;", "&"), url);
      init = { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } };
    }
    throw new Error("too many redirects");
  }
  return { jar, visit, request };
}
