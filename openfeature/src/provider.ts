/**
 * An OpenFeature server provider for Loom flags: with a server SDK key it loads every flag's rules of
 * its org and environment (`GET /api/flags/rules`), follows `GET /api/flags/stream` (flag updates,
 * archives, restores, kill switches; reopened after a drop), and evaluates locally with the same
 * evaluator as the server (`@loom/flags/evaluate`), so an evaluation costs no request.
 * @example
 * import { OpenFeature } from "@openfeature/server-sdk";
 * import { LoomFlagProvider } from "@loom/openfeature-provider";
 * await OpenFeature.setProviderAndWait(new LoomFlagProvider({ serverUrl: "https://loom.example.com", sdkKey }));
 * const on = await OpenFeature.getClient().getBooleanValue("checkout.new_flow", false, { targetingKey: userId });
 */
import { evaluate } from "@loom/flags/evaluate";
import { withKillSwitches } from "@loom/flags/snapshot";
import type {
  Evaluation,
  FlagRules,
  FlagSnapshot,
  KillSwitch,
  EvaluationContext as LoomContext,
} from "@loom/flags/types";
import { readSse } from "@loom/sse/read";
import {
  type EvaluationContext,
  FlagNotFoundError,
  GeneralError,
  type JsonValue,
  OpenFeatureEventEmitter,
  ParseError,
  type Provider,
  ProviderEvents,
  ProviderFatalError,
  type ResolutionDetails,
  TypeMismatchError,
} from "@openfeature/server-sdk";

export interface LoomProviderOptions {
  /** The Loom server, e.g. `https://loom.example.com`. */
  serverUrl: string;
  /** A server SDK key `loom_sdk_server_<env>_…` (client keys cannot read rules). */
  sdkKey: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch (schedules); default `Date.now`. */
  now?: () => number;
  /** First delay before reopening a dropped stream (doubles to 30 s). */
  reconnectMs?: number;
}

type Kind = "boolean" | "string" | "number" | "object";

export class LoomFlagProvider implements Provider {
  readonly metadata = { name: "loom" } as const;
  readonly runsOn = "server" as const;
  readonly events = new OpenFeatureEventEmitter();
  private snapshot: FlagSnapshot | undefined;
  private readonly ctl = new AbortController();
  private readonly o: LoomProviderOptions;

  constructor(o: LoomProviderOptions) {
    this.o = o;
  }

  private get base() {
    return this.o.serverUrl.replace(/\/+$/, "");
  }
  private get headers() {
    return { authorization: `Bearer ${this.o.sdkKey}` };
  }
  private get fetcher() {
    return this.o.fetch ?? fetch;
  }

  async initialize(): Promise<void> {
    const res = await this.fetcher(`${this.base}/api/flags/rules`, {
      headers: this.headers,
      signal: this.ctl.signal,
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      const message = `Loom flags: ${res.status} ${body.error?.message ?? res.statusText}`;
      // A refused key will not start working by retrying.
      throw res.status === 401 || res.status === 403
        ? new ProviderFatalError(message)
        : new GeneralError(message);
    }
    this.snapshot = (await res.json()) as FlagSnapshot;
    void this.follow();
  }

  async onClose(): Promise<void> {
    this.ctl.abort();
  }

  /** The rules in use now (for tests and diagnostics). */
  get flags(): Readonly<Record<string, FlagRules>> {
    return this.snapshot?.flags ?? {};
  }

  private changed(keys: string[]) {
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys });
  }

  private apply(event: string, data: unknown) {
    const snap = this.snapshot;
    if (event === "init") {
      this.snapshot = data as FlagSnapshot;
      this.changed(Object.keys(this.snapshot.flags));
      return;
    }
    if (!snap) return;
    if (event === "flag.updated" || event === "flag.restored") {
      const flag = (data as { flag: FlagRules }).flag;
      const had = snap.flags[flag.key];
      if (had && had.version > flag.version) return;
      this.snapshot = { ...snap, flags: { ...snap.flags, [flag.key]: flag } };
      this.changed([flag.key]);
    } else if (event === "flag.archived") {
      const { key } = data as { key: string };
      const { [key]: _gone, ...rest } = snap.flags;
      this.snapshot = { ...snap, flags: rest };
      this.changed([key]);
    } else if (event.startsWith("killswitch.")) {
      const ks = (data as { killSwitch: KillSwitch }).killSwitch;
      const switches = [...snap.killSwitches.filter((s) => s.key !== ks.key), ks];
      this.snapshot = withKillSwitches(snap, switches);
      this.changed([ks.key, ...ks.flags].filter((k) => k in snap.flags));
    }
  }

  private async follow(): Promise<void> {
    let delay = this.o.reconnectMs ?? 1000;
    while (!this.ctl.signal.aborted) {
      try {
        const res = await this.fetcher(`${this.base}/api/flags/stream`, {
          headers: { ...this.headers, accept: "text/event-stream" },
          signal: this.ctl.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        for await (const m of readSse(res.body)) {
          if (m.event === "init") delay = this.o.reconnectMs ?? 1000;
          this.apply(m.event, JSON.parse(m.data));
        }
      } catch {
        if (this.ctl.signal.aborted) return;
        this.events.emit(ProviderEvents.Stale, { message: "Loom flag stream dropped; reconnecting" });
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }

  private resolve<T>(key: string, kind: Kind, ctx: EvaluationContext): ResolutionDetails<T> {
    if (!this.snapshot) throw new GeneralError("Loom flags are not loaded yet");
    const e: Evaluation = evaluate(this.snapshot, key, toLoomContext(ctx), (this.o.now ?? Date.now)());
    if (e.errorCode === "FLAG_NOT_FOUND") throw new FlagNotFoundError(e.errorMessage);
    if (e.errorCode === "PARSE_ERROR") throw new ParseError(e.errorMessage);
    if (e.reason === "ERROR") throw new GeneralError(e.errorMessage);
    const v = e.value;
    const ok =
      kind === "object"
        ? typeof v === "object" && v !== null
        : kind === "number"
          ? typeof v === "number"
          : typeof v === kind;
    if (!ok) throw new TypeMismatchError(`flag ${key} is ${v === null ? "null" : typeof v}, not ${kind}`);
    const flagMetadata: Record<string, string | number | boolean> = {};
    if (e.killSwitch) flagMetadata.killSwitch = e.killSwitch;
    if (e.ruleIndex !== undefined) flagMetadata.ruleIndex = e.ruleIndex;
    return {
      value: v as T,
      ...(e.variant !== null ? { variant: e.variant } : {}),
      reason: e.reason,
      flagMetadata,
    };
  }

  async resolveBooleanEvaluation(key: string, _d: boolean, ctx: EvaluationContext) {
    return this.resolve<boolean>(key, "boolean", ctx);
  }
  async resolveStringEvaluation(key: string, _d: string, ctx: EvaluationContext) {
    return this.resolve<string>(key, "string", ctx);
  }
  async resolveNumberEvaluation(key: string, _d: number, ctx: EvaluationContext) {
    return this.resolve<number>(key, "number", ctx);
  }
  async resolveObjectEvaluation<T extends JsonValue>(key: string, _d: T, ctx: EvaluationContext) {
    return this.resolve<T>(key, "object", ctx);
  }
}

/** OpenFeature's context as Loom attributes: dates as ISO text, `targetingKey` kept. */
function toLoomContext(ctx: EvaluationContext): LoomContext {
  const out: LoomContext = {};
  for (const [k, v] of Object.entries(ctx)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}
