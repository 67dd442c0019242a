/**
 * Loom's own flags in team mode: follows the team server's `GET /api/flags/stream` for each org the
 * user belongs to (or the one `[server] flags_org` names) and keeps which kill switches are on, so a
 * session can refuse a tool (`tool.<name>.disabled`) or a model (`model.<id>.disabled`) the moment an
 * admin turns its switch on, and say so. The stream is reopened after a drop (1 s doubling to 30 s).
 * @example
 * const w = watchKillSwitches({ serverUrl, token, environment: "prod", onChange: (s) => notice(s) });
 * if (w.active(toolSwitchKey("bash"))) refuse();
 */

import { readSse } from "@loom/sse/read";
import type { Secret } from "../secret.ts";

export interface SwitchState {
  key: string;
  active: boolean;
  reason: string | null;
}

/** A tool or model name as one flag-key word: lower case, anything but `a-z0-9_` becomes `_`. */
export function flagKeyWord(name: string): string {
  const w = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return /^[a-z]/.test(w) ? w : `x${w}`;
}
export const toolSwitchKey = (tool: string) => `tool.${flagKeyWord(tool)}.disabled`;
export const modelSwitchKey = (model: string) => `model.${flagKeyWord(model)}.disabled`;

export interface KillSwitchWatchOptions {
  serverUrl: string;
  token: Secret;
  /** Org ids or slugs; absent: every org of the user (`GET /api/auth/me`). */
  orgs?: string[];
  environment: string;
  /** A switch turned on or off (also each one already on when the stream opens). */
  onChange(s: SwitchState): void;
  /** A stream that could not be opened or dropped (one line; it is retried). */
  onError?(message: string): void;
  fetch?: typeof fetch;
}

export interface KillSwitchWatch {
  /** The active switch of that key, if any. */
  active(key: string): SwitchState | undefined;
  /** Resolves once every stream has sent its `init` (or failed once). */
  readonly ready: Promise<void>;
  close(): void;
}

interface WireSwitch {
  key: string;
  active: boolean;
  reason: string | null;
}

export function watchKillSwitches(o: KillSwitchWatchOptions): KillSwitchWatch {
  const doFetch = o.fetch ?? fetch;
  const base = o.serverUrl.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${o.token.expose()}`, accept: "text/event-stream" };
  const ctl = new AbortController();
  /** Per org: the switches that stream reported on. */
  const byOrg = new Map<string, Map<string, SwitchState>>();

  const active = (key: string): SwitchState | undefined => {
    for (const m of byOrg.values()) {
      const s = m.get(key);
      if (s?.active) return s;
    }
    return undefined;
  };
  const apply = (org: string, s: WireSwitch) => {
    const m = byOrg.get(org) ?? new Map<string, SwitchState>();
    byOrg.set(org, m);
    const was = active(s.key) !== undefined;
    m.set(s.key, { key: s.key, active: s.active, reason: s.reason });
    const now = active(s.key) !== undefined;
    if (was !== now) o.onChange({ key: s.key, active: now, reason: s.reason });
  };

  const follow = async (org: string, opened: () => void) => {
    let delay = 1000;
    while (!ctl.signal.aborted) {
      try {
        const q = new URLSearchParams({ org, environment: o.environment });
        const res = await doFetch(`${base}/api/flags/stream?${q}`, { headers, signal: ctl.signal });
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          throw new Error(`the server answered ${res.status}`);
        }
        for await (const m of readSse(res.body)) {
          if (m.event === "init") {
            const init = JSON.parse(m.data) as { killSwitches?: WireSwitch[] };
            const seen = new Set<string>();
            for (const s of init.killSwitches ?? []) {
              seen.add(s.key);
              apply(org, s);
            }
            // Switches turned off while the stream was down.
            for (const [key, s] of byOrg.get(org) ?? [])
              if (!seen.has(key) && s.active) apply(org, { ...s, active: false });
            delay = 1000;
            opened();
          } else if (m.event.startsWith("killswitch.")) {
            const d = JSON.parse(m.data) as { killSwitch?: WireSwitch };
            if (d.killSwitch) apply(org, d.killSwitch);
          }
        }
        throw new Error("the stream ended");
      } catch (e) {
        if (ctl.signal.aborted) return;
        o.onError?.(`flag stream for org ${org}: ${e instanceof Error ? e.message : String(e)}`);
        opened();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    }
  };

  const orgs = async (): Promise<string[]> => {
    if (o.orgs) return o.orgs;
    const res = await doFetch(`${base}/api/auth/me`, { headers, signal: ctl.signal });
    if (!res.ok) throw new Error(`GET /api/auth/me answered ${res.status}`);
    const me = (await res.json()) as { orgs?: { orgId: string }[] };
    return (me.orgs ?? []).map((m) => m.orgId);
  };

  const ready = (async () => {
    let list: string[];
    try {
      list = await orgs();
    } catch (e) {
      if (!ctl.signal.aborted) o.onError?.(`kill switches: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    await Promise.all(
      list.map(
        (org) =>
          new Promise<void>((resolve) => {
            void follow(org, resolve);
          }),
      ),
    );
  })();

  return {
    active,
    ready,
    close: () => ctl.abort(),
  };
}
