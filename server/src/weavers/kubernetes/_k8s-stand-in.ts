/**
 * A loopback stand-in for the subset of the Kubernetes API the weaver driver uses (tests only; no
 * cluster runs here). Shapes follow the API reference: Status objects for errors, resourceVersion
 * on every object and list, `?watch=true` as newline-delimited WatchEvents, `pods/log` (follow,
 * tailLines, timestamps, sinceTime), `pods/attach` over the `v5.channel.k8s.io`/`v4.channel.k8s.io`
 * WebSocket subprotocol (channel byte 0 stdin, 1 stdout, 3 Status, 4 resize, 255 close).
 * Created pods are validated against the published OpenAPI schema (kubernetes-models), as the API
 * server would reject them with 422.
 */
import type { Server, ServerWebSocket } from "bun";
import { Pod } from "kubernetes-models/v1";
import {
  containerState,
  exited,
  type Json,
  type LogEntry,
  lifecycle,
  nanoTime,
  type Plan,
  type StandInPod,
} from "./_k8s-stand-in-pods.ts";
import {
  fieldMatcher,
  labelMatcher,
  negotiate,
  parseFrame,
  status,
  statusFrame,
  stdoutFrame,
} from "./_k8s-stand-in-wire.ts";

export type { Plan, StandInPod };

type Event = { type: "ADDED" | "MODIFIED" | "DELETED"; object: Json; rv: number };
interface Watcher {
  ns: string;
  matches: (pod: Json) => boolean;
  send: (event: { type: string; object: Json }) => void;
}
type Terminal = { pod: StandInPod; protocol: string };

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(?:\/(log|attach))?$/;
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class KubernetesStandIn {
  readonly token = `stand-in-${crypto.randomUUID()}`;
  readonly namespaces = new Set(["default", "loom-weavers"]);
  readonly pods = new Map<string, StandInPod>();
  /** "METHOD path?query" of every request, for tests that check what the driver asked. */
  readonly requests: string[] = [];
  /** Subresources RBAC denies ("attach", "log"), as a Role missing them would. */
  readonly forbidden = new Set<string>();
  /** The plan for the next pods created; tests change it. */
  planFor: (pod: Json) => Plan = () => ({ outcome: "run" });
  private rv = 1000;
  private readonly events: Event[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly followers = new Map<StandInPod, Set<(entry: LogEntry | null) => void>>();
  private readonly terminals = new Map<StandInPod, Set<ServerWebSocket<Terminal>>>();
  private readonly changed = new EventTarget();
  private server!: Server<Terminal>;

  start(): this {
    this.server = Bun.serve<Terminal>({
      hostname: "127.0.0.1",
      port: 0,
      // Watches and followed logs stay open while nothing happens, as on a real API server.
      idleTimeout: 0,
      fetch: (req, server) => this.route(req, server),
      websocket: {
        open: (ws) => this.terminal(ws.data.pod, ws, "open"),
        message: (ws, message) => this.onFrame(ws, message),
        close: (ws) => this.terminal(ws.data.pod, ws, "close"),
      },
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  /** A kubeconfig for this stand-in (plain HTTP on loopback, hence insecure-skip-tls-verify). */
  kubeconfig(namespace = "loom-weavers"): string {
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: stand-in",
      `  cluster: {server: "${this.url}", insecure-skip-tls-verify: true}`,
      "users:",
      "- name: loom-server",
      `  user: {token: "${this.token}"}`,
      "contexts:",
      "- name: stand-in",
      `  context: {cluster: stand-in, user: loom-server, namespace: ${namespace}}`,
      "current-context: stand-in",
      "",
    ].join("\n");
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.send({ type: "__end", object: null });
    for (const set of this.followers.values()) for (const f of set) f(null);
    await this.server.stop(true);
  }

  pod(name: string, ns = "loom-weavers"): StandInPod {
    const pod = this.pods.get(`${ns}/${name}`);
    if (!pod) throw new Error(`stand-in: no pod ${ns}/${name}`);
    return pod;
  }

  /** Resolves once `check` holds, re-checked after every change to any pod. */
  until<T>(check: () => T | undefined | false): Promise<T> {
    return new Promise((resolve) => {
      const test = () => {
        const v = check();
        if (v === undefined || v === false) return;
        this.changed.removeEventListener("change", test);
        resolve(v);
      };
      this.changed.addEventListener("change", test);
      test();
    });
  }

  /** Lets a held pod go on with its plan. */
  release(name: string): void {
    const pod = this.pod(name);
    pod.held = false;
    this.advance(pod, lifecycle(pod).rest);
  }

  /** The weaver's process prints a line (to its log and any attached terminal). */
  print(name: string, text: string): void {
    const pod = this.pod(name);
    this.output(pod, `${text}\r\n`);
  }

  /** The main container exits: Succeeded for 0, Failed otherwise. */
  exit(name: string, exitCode: number, message?: string): void {
    const pod = this.pod(name);
    exited(pod, exitCode, message);
    this.modified(pod);
    for (const ws of this.terminals.get(pod) ?? []) this.endTerminal(ws, exitCode);
    for (const f of this.followers.get(pod) ?? []) f(null);
  }

  private notify(): void {
    this.changed.dispatchEvent(new Event("change"));
  }

  private record(type: Event["type"], pod: StandInPod): void {
    const rv = ++this.rv;
    pod.object.metadata.resourceVersion = String(rv);
    const object = structuredClone(pod.object);
    this.events.push({ type, object, rv });
    for (const w of this.watchers)
      if (w.ns === object.metadata.namespace && w.matches(object)) w.send({ type, object });
    this.notify();
  }

  private modified(pod: StandInPod): void {
    this.record("MODIFIED", pod);
  }

  private advance(pod: StandInPod, steps: (() => void)[]): void {
    const [step, ...rest] = steps;
    if (!step || pod.held || !this.pods.has(key(pod.object))) return;
    setTimeout(() => {
      if (pod.held || !this.pods.has(key(pod.object))) return;
      step();
      this.modified(pod);
      this.advance(pod, rest);
    }, 0);
  }

  private route(req: Request, server: Server<Terminal>): Response | Promise<Response> | undefined {
    const url = new URL(req.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.get("authorization") !== `Bearer ${this.token}`)
      return status(401, "Unauthorized", "Unauthorized");
    const m = POD_PATH.exec(url.pathname);
    if (!m) return status(404, "NotFound", "the server could not find the requested resource");
    const [, ns = "", name, sub] = m;
    if (!this.namespaces.has(ns))
      return status(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });
    if (name === undefined) {
      if (req.method === "POST") return this.create(ns, req);
      if (req.method !== "GET")
        return status(
          405,
          "MethodNotAllowed",
          "the server does not allow this method on the requested resource",
        );
      return url.searchParams.get("watch") === "true" ? this.watch(ns, url, req.signal) : this.list(ns, url);
    }
    const pod = this.pods.get(`${ns}/${name}`);
    if (!pod) return status(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
    if (sub && this.forbidden.has(sub))
      return status(
        403,
        "Forbidden",
        `pods "${name}" is forbidden: User "system:serviceaccount:loom:loom-server" cannot ${sub === "log" ? "get" : "create"} resource "pods/${sub}" in API group "" in the namespace "${ns}"`,
        { name, kind: "pods" },
      );
    if (sub === "log") return this.log(pod, url, req.signal);
    if (sub === "attach" || sub === "exec") return this.upgrade(pod, req, url, server);
    if (req.method === "GET") return Response.json(pod.object);
    if (req.method === "DELETE") return this.remove(pod);
    if (req.method === "PATCH") return this.patch(pod, req);
    return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }

  private async create(ns: string, req: Request): Promise<Response> {
    const body = (await req.json().catch(() => undefined)) as Json;
    if (body?.kind !== "Pod" || body?.apiVersion !== "v1")
      return status(400, "BadRequest", "the object provided is unrecognized (must be of type Pod)");
    const name = body.metadata?.name ?? "";
    if (body.metadata?.namespace && body.metadata.namespace !== ns)
      return status(
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    if (!DNS_1123.test(name) || name.length > 63)
      return status(
        422,
        "Invalid",
        `Pod "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
      );
    try {
      new Pod(body).validate();
    } catch (e) {
      return status(422, "Invalid", `Pod "${name}" is invalid: ${(e as Error).message}`);
    }
    if (this.pods.has(`${ns}/${name}`))
      return status(409, "AlreadyExists", `pods "${name}" already exists`, { name, kind: "pods" });
    const object = structuredClone(body);
    object.metadata = {
      ...object.metadata,
      namespace: ns,
      uid: crypto.randomUUID(),
      creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    object.status = { phase: "Pending", qosClass: "Burstable" };
    const plan = this.planFor(object);
    const pod: StandInPod = {
      object,
      plan,
      logs: new Map(),
      stdin: "",
      stdinClosed: false,
      resizes: [],
      held: !!(plan as { hold?: boolean }).hold,
    };
    this.pods.set(`${ns}/${name}`, pod);
    this.record("ADDED", pod);
    const steps = lifecycle(pod);
    setTimeout(() => {
      if (!this.pods.has(`${ns}/${name}`)) return;
      steps.first();
      this.modified(pod);
      this.advance(pod, steps.rest);
    }, 0);
    return Response.json(pod.object, { status: 201 });
  }

  private list(ns: string, url: URL): Response {
    const labels = labelMatcher(url.searchParams.get("labelSelector"));
    const fields = fieldMatcher(url.searchParams.get("fieldSelector"));
    const items = [...this.pods.values()]
      .map((p) => p.object)
      .filter((o) => o.metadata.namespace === ns && labels(o.metadata.labels ?? {}) && fields(o));
    return Response.json({
      kind: "PodList",
      apiVersion: "v1",
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private watch(ns: string, url: URL, gone: AbortSignal): Response {
    const labels = labelMatcher(url.searchParams.get("labelSelector"));
    const fields = fieldMatcher(url.searchParams.get("fieldSelector"));
    const matches = (o: Json) => labels(o.metadata.labels ?? {}) && fields(o);
    const from = url.searchParams.get("resourceVersion");
    const encoder = new TextEncoder();
    let watcher: Watcher;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        watcher = {
          ns,
          matches,
          send: (event) => {
            if (event.type === "__end") {
              this.watchers.delete(watcher);
              controller.close();
              return;
            }
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
          },
        };
        if (from && from !== "0") {
          for (const e of this.events)
            if (e.rv > Number(from) && e.object.metadata.namespace === ns && matches(e.object))
              watcher.send({ type: e.type, object: e.object });
        } else
          for (const p of this.pods.values())
            if (p.object.metadata.namespace === ns && matches(p.object))
              watcher.send({ type: "ADDED", object: p.object });
        this.watchers.add(watcher);
        gone.addEventListener("abort", () => this.watchers.delete(watcher) && this.notify());
        this.notify();
      },
      cancel: () => {
        this.watchers.delete(watcher);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  }

  /** Ends every open watch, as an API server does when a watch times out. */
  dropWatches(): void {
    for (const w of [...this.watchers]) w.send({ type: "__end", object: null });
  }

  /** How many watches are open (tests wait for the driver to be watching). */
  get watching(): number {
    return this.watchers.size;
  }

  private remove(pod: StandInPod): Response {
    const meta = pod.object.metadata;
    meta.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    meta.deletionGracePeriodSeconds = pod.object.spec.terminationGracePeriodSeconds ?? 30;
    this.modified(pod);
    const answer = Response.json(pod.object);
    setTimeout(() => {
      this.pods.delete(key(pod.object));
      for (const ws of this.terminals.get(pod) ?? []) this.endTerminal(ws, 137);
      for (const f of this.followers.get(pod) ?? []) f(null);
      this.record("DELETED", pod);
    }, 0);
    return answer;
  }

  private async patch(pod: StandInPod, req: Request): Promise<Response> {
    const type = req.headers.get("content-type") ?? "";
    if (type !== "application/json-patch+json")
      return status(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json`,
      );
    const ops = (await req.json()) as { op: string; path: string; value?: unknown }[];
    for (const op of ops) {
      const parts = op.path
        .split("/")
        .slice(1)
        .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
      const last = parts.pop() as string;
      let target = pod.object;
      for (const p of parts) target = target?.[p];
      if (target === undefined || typeof target !== "object")
        return status(
          422,
          "Invalid",
          `the server rejected our request due to an error in our request: path ${op.path} does not exist`,
        );
      if (op.op === "add" || op.op === "replace") target[last] = op.value;
      else if (op.op === "remove") delete target[last];
      else return status(400, "BadRequest", `unsupported JSON patch operation "${op.op}"`);
    }
    this.modified(pod);
    return Response.json(pod.object);
  }

  private log(pod: StandInPod, url: URL, gone: AbortSignal): Response {
    const name = pod.object.metadata.name;
    const container = url.searchParams.get("container") ?? pod.object.spec.containers[0].name;
    const state = containerState(pod, container);
    const known = [...(pod.object.spec.initContainers ?? []), ...pod.object.spec.containers].some(
      (c: Json) => c.name === container,
    );
    if (!known) return status(400, "BadRequest", `container ${container} is not valid for pod ${name}`);
    if (!state || state.waiting)
      return status(
        400,
        "BadRequest",
        `container "${container}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? "ContainerCreating"}`,
      );
    const stamps = url.searchParams.get("timestamps") === "true";
    const line = (e: LogEntry) => `${stamps ? `${e.time} ` : ""}${e.text}\n`;
    let entries = pod.logs.get(container) ?? [];
    const since = url.searchParams.get("sinceTime");
    if (since) entries = entries.filter((e) => Date.parse(e.time) >= Date.parse(since));
    const tail = url.searchParams.get("tailLines");
    if (tail !== null) entries = entries.slice(Math.max(0, entries.length - Number(tail)));
    const old = entries.map(line).join("");
    if (url.searchParams.get("follow") !== "true" || !state.running)
      return new Response(old, { headers: { "content-type": "text/plain" } });
    const encoder = new TextEncoder();
    let follower: (e: LogEntry | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (old) controller.enqueue(encoder.encode(old));
        follower = (e) => {
          if (e) return controller.enqueue(encoder.encode(line(e)));
          this.followers.get(pod)?.delete(follower);
          controller.close();
        };
        const set = this.followers.get(pod) ?? new Set();
        set.add(follower);
        this.followers.set(pod, set);
        gone.addEventListener("abort", () => set.delete(follower) && this.notify());
        this.notify();
      },
      cancel: () => {
        this.followers.get(pod)?.delete(follower);
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  }

  /** How many log streams follow this pod. */
  following(name: string): number {
    return this.followers.get(this.pod(name))?.size ?? 0;
  }

  private upgrade(pod: StandInPod, req: Request, url: URL, server: Server<Terminal>): Response | undefined {
    const container = pod.object.spec.containers.find(
      (c: Json) => c.name === url.searchParams.get("container"),
    );
    if (!container)
      return status(
        400,
        "BadRequest",
        `container ${url.searchParams.get("container")} is not valid for pod ${pod.object.metadata.name}`,
      );
    const phase = pod.object.status.phase;
    if (phase === "Succeeded" || phase === "Failed")
      return status(
        400,
        "BadRequest",
        `cannot attach a container in a completed pod; current phase is ${phase}`,
      );
    if (!containerState(pod, container.name)?.running)
      return status(400, "BadRequest", `container ${container.name} is not running`);
    if (url.searchParams.get("stdin") === "true" && !container.stdin)
      return status(400, "BadRequest", `Stdin is not enabled for this container`);
    const protocol = negotiate(req.headers.get("sec-websocket-protocol"));
    if (!protocol)
      return status(400, "BadRequest", "unable to upgrade connection: no supported subprotocol offered");
    const ok = server.upgrade(req, {
      data: { pod, protocol },
      headers: { "Sec-WebSocket-Protocol": protocol },
    });
    return ok
      ? undefined
      : status(400, "BadRequest", "unable to upgrade connection: not a WebSocket request");
  }

  private terminal(pod: StandInPod, ws: ServerWebSocket<Terminal>, what: "open" | "close"): void {
    const set = this.terminals.get(pod) ?? new Set();
    if (what === "open") set.add(ws);
    else set.delete(ws);
    this.terminals.set(pod, set);
    this.notify();
  }

  /** How many terminals are attached to this pod. */
  attached(name: string): number {
    return this.terminals.get(this.pod(name))?.size ?? 0;
  }

  /** The tty echoes input; Ctrl-D (0x04) ends the process with exit 0. */
  private onFrame(ws: ServerWebSocket<Terminal>, message: string | Buffer): void {
    const pod = ws.data.pod;
    const frame = parseFrame(typeof message === "string" ? Buffer.from(message) : message, ws.data.protocol);
    if (frame.kind === "stdin") {
      pod.stdin += frame.text;
      this.notify();
      if (frame.text.includes("\u0004")) this.exit(pod.object.metadata.name, 0);
      else this.output(pod, frame.text.replaceAll("\r", "\r\n"));
    } else if (frame.kind === "resize") {
      pod.resizes.push(frame.size);
      this.notify();
    } else if (frame.kind === "close-stdin") {
      pod.stdinClosed = true;
      this.notify();
    }
  }

  private output(pod: StandInPod, text: string): void {
    const name = pod.object.spec.containers[0].name;
    for (const ws of this.terminals.get(pod) ?? []) ws.sendBinary(stdoutFrame(text));
    const entry = { time: nanoTime(), text: text.replace(/\r?\n$/, "") };
    const list = pod.logs.get(name) ?? [];
    list.push(entry);
    pod.logs.set(name, list);
    for (const f of this.followers.get(pod) ?? []) f(entry);
    this.notify();
  }

  private endTerminal(ws: ServerWebSocket<Terminal>, exitCode: number): void {
    ws.sendBinary(statusFrame(exitCode));
    ws.close(1000);
  }
}

function key(object: Json): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}
