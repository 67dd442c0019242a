/**
 * The `kubernetes` weaver driver: a pod per weaver through the Kubernetes API, which is also the
 * only record of them (`list()` reads pods labelled `loom.dev/managed=true`).
 */
import {
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from "@kubernetes/client-node";
import { LoomError } from "@loom/runtime/errors";
import type {
  AttachSession,
  LogLine,
  LogOptions,
  WeaverDriver,
  WeaverId,
  WeaverInfo,
  WeaverSpec,
} from "../driver.ts";
import { kubernetesError, statusOf } from "./api-error.ts";
import { attachPod } from "./attach.ts";
import { podLogs } from "./logs.ts";
import { ANNOTATION, buildWeaverPod, isWeaverId, MANAGED_SELECTOR, type PodOptions } from "./pod-spec.ts";
import { isManaged, readiness, weaverInfo } from "./pod-status.ts";
import { waitForPod } from "./wait-ready.ts";

export interface KubernetesDriverOptions {
  kubeConfig: KubeConfig;
  pod: PodOptions;
  now?: () => Date;
}

export class KubernetesDriver implements WeaverDriver {
  readonly name = "kubernetes" as const;
  private readonly api: CoreV1Api;
  private readonly namespace: string;
  private readonly server: string;
  private readonly closing = new AbortController();
  private readonly sessions = new Set<AttachSession>();

  constructor(private readonly options: KubernetesDriverOptions) {
    this.api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.namespace = options.pod.namespace;
    this.server = options.kubeConfig.getCurrentCluster()?.server ?? "";
  }

  private fail(e: unknown, doing: string): LoomError {
    return kubernetesError(e, doing, this.server);
  }

  async create(spec: WeaverSpec): Promise<WeaverInfo> {
    const body = buildWeaverPod(spec, this.options.pod, (this.options.now ?? (() => new Date()))());
    try {
      return weaverInfo(await this.api.createNamespacedPod({ namespace: this.namespace, body }));
    } catch (e) {
      throw this.fail(e, `create pod ${spec.id} in ${this.namespace}`);
    }
  }

  /** The weaver's pod, or undefined for an unknown id or a pod Loom does not manage. */
  private async readPod(id: string): Promise<V1Pod | undefined> {
    if (!isWeaverId(id)) return undefined;
    try {
      const pod = await this.api.readNamespacedPod({ name: id, namespace: this.namespace });
      return isManaged(pod) ? pod : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw this.fail(e, `read pod ${id}`);
    }
  }

  private async requirePod(id: string): Promise<V1Pod> {
    const pod = await this.readPod(id);
    if (!pod) throw new LoomError("NOT_FOUND", `no weaver ${id}`);
    return pod;
  }

  async get(id: WeaverId): Promise<WeaverInfo | undefined> {
    const pod = await this.readPod(id);
    return pod && weaverInfo(pod);
  }

  async list(): Promise<WeaverInfo[]> {
    try {
      const pods = await this.api.listNamespacedPod({
        namespace: this.namespace,
        labelSelector: MANAGED_SELECTOR,
      });
      return pods.items.map(weaverInfo).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    } catch (e) {
      throw this.fail(e, `list pods in ${this.namespace}`);
    }
  }

  async delete(id: WeaverId): Promise<boolean> {
    if (!(await this.readPod(id))) return false;
    try {
      await this.api.deleteNamespacedPod({ name: id, namespace: this.namespace });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw this.fail(e, `delete pod ${id}`);
    }
  }

  async *logs(id: WeaverId, options: LogOptions = {}): AsyncIterable<LogLine> {
    const pod = await this.requirePod(id);
    // A weaver still cloning has no runtime log yet: following waits for it to start.
    if (readiness(pod).state === "waiting") {
      if (!options.follow) return;
      await this.waitReady(id, 60_000);
    }
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.closing.signal])
      : this.closing.signal;
    yield* podLogs(this.options.kubeConfig, this.namespace, id, { ...options, signal });
  }

  async attach(id: WeaverId, size = { cols: 80, rows: 24 }): Promise<AttachSession> {
    const pod = await this.requirePod(id);
    const main = pod.spec?.containers.find((c) => c.tty);
    if (!main)
      throw new LoomError("INVALID_INPUT", `weaver ${id} runs a task and has no terminal; read its logs`);
    if (weaverInfo(pod).status !== "running")
      throw new LoomError(
        "CONFLICT",
        `weaver ${id} is ${weaverInfo(pod).status}, not running: cannot attach`,
      );
    const session = await attachPod(this.options.kubeConfig, this.namespace, id, size, () =>
      this.sessions.delete(session),
    );
    this.sessions.add(session);
    return session;
  }

  async waitReady(id: WeaverId, timeoutMs: number): Promise<WeaverInfo> {
    if (!isWeaverId(id)) throw new LoomError("NOT_FOUND", `no weaver ${id}`);
    const ctx = {
      kubeConfig: this.options.kubeConfig,
      namespace: this.namespace,
      read: (n: string) => this.readPod(n),
    };
    const end = await waitForPod(ctx, id, timeoutMs, this.closing.signal);
    if (end.readiness.state === "ready") return weaverInfo(end.pod);
    if (end.readiness.state === "failed")
      throw new LoomError("WEAVER_FAILED", `weaver ${id} failed: ${end.readiness.reason}`);
    const why = end.readiness.reason ? ` (${end.readiness.reason})` : "";
    const reason = `not ready within ${formatSeconds(timeoutMs)}${why}`;
    await this.markFailed(id, reason);
    throw new LoomError("WEAVER_FAILED", `weaver ${id} failed: ${reason}`);
  }

  async claimExit(id: WeaverId): Promise<boolean> {
    const pod = await this.readPod(id);
    if (!pod || pod.metadata?.annotations?.[ANNOTATION.exitReported]) return false;
    await this.annotate(id, ANNOTATION.exitReported, "true", "mark pod");
    return true;
  }

  /** The failure is written on the pod, so every replica and a restarted server report it the same. */
  private async markFailed(id: string, reason: string): Promise<void> {
    await this.annotate(id, ANNOTATION.failure, reason, "mark pod", " failed");
  }

  private async annotate(id: string, key: string, value: string, doing: string, what = ""): Promise<void> {
    const path = `/metadata/annotations/${key.replace("~", "~0").replace("/", "~1")}`;
    try {
      await this.api.patchNamespacedPod(
        { name: id, namespace: this.namespace, body: [{ op: "add", path, value }] },
        setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
      );
    } catch (e) {
      if (statusOf(e) !== 404) throw this.fail(e, `${doing} ${id}${what}`);
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const s of [...this.sessions]) s.close();
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
