/**
 * The pod of one weaver, built from its spec: a pure function, no API calls. Everything the driver
 * needs to rediscover the weaver later (owner, repo, branch, task, expiry) rides on the pod as
 * labels and annotations, so the Kubernetes API is the only record (specs/weavers-kubernetes.md).
 */
import { createHash } from "node:crypto";
import type { V1Container, V1EnvVar, V1Pod, V1SecurityContext } from "@kubernetes/client-node";
import { LoomError } from "@loom/runtime/errors";
import type { WeaverSpec } from "../driver.ts";

export const LABEL_MANAGED = "loom.dev/managed";
export const LABEL_WEAVER_ID = "loom.dev/weaver-id";
export const LABEL_OWNER_USER = "loom.dev/owner-user-id";
export const ANNOTATION = {
  ownerUser: "loom.dev/owner-user-id",
  ownerOrg: "loom.dev/owner-org-id",
  repo: "loom.dev/repo",
  branch: "loom.dev/branch",
  task: "loom.dev/task",
  createdAt: "loom.dev/created-at",
  expiresAt: "loom.dev/expires-at",
  /** Set by the driver when the weaver missed its readiness deadline: the weaver is failed from then on. */
  failure: "loom.dev/failure",
  /** Set when the server sent `weaver.exited`, so no replica or restarted server sends it again. */
  exitReported: "loom.dev/exit-reported",
} as const;

/** `loom.dev/managed=true`: every weaver pod, and nothing else the driver will touch. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED}=true`;
export const MAIN_CONTAINER = "weaver";
export const CLONE_CONTAINER = "clone";
export const WORKSPACE = "/workspace";
export const WEAVER_UID = 1000;
/** Annotations share 256 KiB per object; a task longer than this belongs in the repository. */
export const MAX_TASK_BYTES = 64 * 1024;

export interface PodOptions {
  namespace: string;
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  memory: string;
  cpu: string;
  memoryRequest: string;
  cpuRequest: string;
  runtimeClass?: string;
  /** Overrides the LOOM_SERVER_URL the routes pass: the in-cluster address of the server. */
  serverUrl?: string;
}

const WEAVER_ID = /^weaver-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function isWeaverId(id: string): boolean {
  return WEAVER_ID.test(id);
}

/** A label value for any id: itself when Kubernetes allows it, else a stable hash. */
export function labelValue(value: string): string {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return value;
  return `h-${createHash("sha256").update(value).digest("hex").slice(0, 40)}`;
}

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** The same locked-down context for the clone and the runtime container. */
function containerSecurity(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: WEAVER_UID,
    runAsGroup: WEAVER_UID,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** HOME and XDG dirs live on the writable /tmp; the pod is the sandbox, so Loom's own bwrap is off. */
function runtimeEnv(spec: WeaverSpec, options: PodOptions): V1EnvVar[] {
  const base: Record<string, string> = {
    HOME: "/tmp/home",
    XDG_CONFIG_HOME: "/tmp/home/.config",
    XDG_DATA_HOME: "/tmp/home/.local/share",
    XDG_STATE_HOME: "/tmp/home/.local/state",
    XDG_CACHE_HOME: "/tmp/home/.cache",
    LOOM_SANDBOX__MODE: "danger-full-access",
    LOOM_WEAVER_ID: spec.id,
  };
  const merged = {
    ...base,
    ...spec.env,
    ...(options.serverUrl ? { LOOM_SERVER_URL: options.serverUrl } : {}),
  };
  return Object.entries(merged).map(([name, value]) => ({ name, value }));
}

function cloneContainer(spec: WeaverSpec, options: PodOptions): V1Container {
  const branch = spec.branch ? ["--branch", spec.branch, "--single-branch"] : [];
  return {
    name: CLONE_CONTAINER,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    // Arguments, not a shell line: the URL and branch cannot inject anything; `--` ends the options.
    command: ["git", "clone", "--no-tags", ...branch, "--", spec.repo, WORKSPACE],
    env: [
      { name: "HOME", value: "/tmp" },
      { name: "GIT_TERMINAL_PROMPT", value: "0" },
    ],
    securityContext: containerSecurity(),
    resources: {
      limits: { memory: "1Gi", cpu: "1" },
      requests: { memory: "128Mi", cpu: "100m" },
    },
    volumeMounts: [
      { name: "workspace", mountPath: WORKSPACE },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

function runtimeContainer(spec: WeaverSpec, options: PodOptions): V1Container {
  const memory = spec.resources?.memory ?? options.memory;
  const cpu = spec.resources?.cpu ?? options.cpu;
  const repl = spec.task === undefined;
  return {
    name: MAIN_CONTAINER,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy,
    command: repl ? ["loom", "repl"] : ["loom", "run", "--", spec.task as string],
    workingDir: WORKSPACE,
    // The REPL needs a terminal to attach to; a task runs headless and its output is the log.
    stdin: repl,
    tty: repl,
    env: runtimeEnv(spec, options),
    securityContext: containerSecurity(),
    resources: {
      limits: { memory, cpu },
      requests: { memory: smaller(options.memoryRequest, memory), cpu: smaller(options.cpuRequest, cpu) },
    },
    volumeMounts: [
      { name: "workspace", mountPath: WORKSPACE },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/** A request may not exceed its limit: a weaver asking for less than the default request gets it all. */
function smaller(request: string, limit: string): string {
  const r = quantityValue(request);
  const l = quantityValue(limit);
  return r !== undefined && l !== undefined && r > l ? limit : request;
}

const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function quantityValue(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  const factor = m ? SUFFIX[m[2] ?? ""] : undefined;
  return m && factor !== undefined ? Number(m[1]) * factor : undefined;
}

function checkSpec(spec: WeaverSpec): void {
  if (!isWeaverId(spec.id))
    throw new LoomError("INVALID_INPUT", `not a weaver id: ${JSON.stringify(spec.id)}`);
  if (!spec.repo.trim()) throw new LoomError("INVALID_INPUT", "a weaver needs a repository URL");
  if (spec.task !== undefined && Buffer.byteLength(spec.task) > MAX_TASK_BYTES)
    throw new LoomError("INVALID_INPUT", `the task is longer than ${MAX_TASK_BYTES / 1024} KiB`);
  for (const [key, value] of Object.entries(spec.resources ?? {}))
    if (value !== undefined && !isQuantity(value))
      throw new LoomError(
        "INVALID_INPUT",
        `resources.${key}: '${value}' is not a Kubernetes quantity (e.g. 8Gi, 2, 500m)`,
      );
}

/** The weaver's pod: name = weaver id, in `options.namespace`; `now` is the creation time. */
export function buildWeaverPod(spec: WeaverSpec, options: PodOptions, now: Date): V1Pod {
  checkSpec(spec);
  const expiresAt = new Date(now.getTime() + spec.ttlMs);
  const annotations: Record<string, string> = {
    [ANNOTATION.ownerUser]: spec.owner.userId,
    [ANNOTATION.repo]: spec.repo,
    [ANNOTATION.createdAt]: now.toISOString(),
    [ANNOTATION.expiresAt]: expiresAt.toISOString(),
  };
  if (spec.owner.orgId !== undefined) annotations[ANNOTATION.ownerOrg] = spec.owner.orgId;
  if (spec.branch !== undefined) annotations[ANNOTATION.branch] = spec.branch;
  if (spec.task !== undefined) annotations[ANNOTATION.task] = spec.task;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: spec.id,
      namespace: options.namespace,
      labels: {
        [LABEL_MANAGED]: "true",
        [LABEL_WEAVER_ID]: spec.id,
        [LABEL_OWNER_USER]: labelValue(spec.owner.userId),
        "app.kubernetes.io/name": "loom-weaver",
        "app.kubernetes.io/managed-by": "loom",
      },
      annotations,
    },
    spec: {
      restartPolicy: "Never",
      // Kubernetes itself ends the weaver at its TTL, even while the server's cleanup is not running.
      activeDeadlineSeconds: Math.max(1, Math.ceil(spec.ttlMs / 1000)),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 10,
      ...(options.runtimeClass ? { runtimeClassName: options.runtimeClass } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: WEAVER_UID,
        runAsGroup: WEAVER_UID,
        fsGroup: WEAVER_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      initContainers: [cloneContainer(spec, options)],
      containers: [runtimeContainer(spec, options)],
      volumes: [
        { name: "workspace", emptyDir: {} },
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
      ],
    },
  };
}
