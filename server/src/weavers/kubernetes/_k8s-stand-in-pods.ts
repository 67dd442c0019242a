/**
 * Pod state and lifecycle of the Kubernetes stand-in (tests only): what the kubelet would write
 * into `status` as a pod goes Pending → (init container) → Running → Succeeded/Failed, in the
 * shapes of core/v1 PodStatus. `_k8s-stand-in.ts` serves it over the API.
 */

// biome-ignore lint/suspicious/noExplicitAny: pods are plain JSON as the API serves them
export type Json = any;

/** How a created pod's life goes. `hold` stops it while its init container runs, until `release`. */
export type Plan =
  | { outcome: "run"; hold?: boolean }
  /** A task: runs, prints `lines`, exits 0. */
  | { outcome: "complete"; lines: string[]; hold?: boolean }
  /** The clone fails: init container exit 128, pod Failed. */
  | { outcome: "fail-clone"; hold?: boolean }
  /** The image never pulls: waiting ImagePullBackOff for ever. */
  | { outcome: "image-pull-backoff" };

export interface LogEntry {
  time: string;
  text: string;
}

export interface StandInPod {
  object: Json;
  plan: Plan;
  /** Per container name. */
  logs: Map<string, LogEntry[]>;
  /** Everything written to the main container's stdin over attach. */
  stdin: string;
  stdinClosed: boolean;
  resizes: { width: number; height: number }[];
  held: boolean;
}

/** RFC 3339 with nanoseconds, as the kubelet stamps log lines. */
export function nanoTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

function rfc3339(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function containerStatus(c: Json, state: Json, extra: Json = {}): Json {
  return {
    name: c.name,
    image: c.image,
    imageID: "",
    ready: false,
    restartCount: 0,
    started: false,
    state,
    ...extra,
  };
}

function condition(type: string, status: "True" | "False", extra: Json = {}): Json {
  return { type, status, lastProbeTime: null, lastTransitionTime: rfc3339(), ...extra };
}

export function addLog(pod: StandInPod, container: string, text: string): void {
  const list = pod.logs.get(container) ?? [];
  for (const line of text.split("\n")) list.push({ time: nanoTime(), text: line });
  pod.logs.set(container, list);
}

const init = (pod: StandInPod): Json => pod.object.spec.initContainers?.[0];
const main = (pod: StandInPod): Json => pod.object.spec.containers[0];

/** Scheduled, init container running, main container waiting on it. */
export function initializing(pod: StandInPod): void {
  const s = pod.object.status;
  s.conditions = [condition("PodScheduled", "True"), condition("Initialized", "False")];
  s.startTime = rfc3339();
  s.hostIP = "10.0.0.1";
  if (init(pod)) {
    s.initContainerStatuses = [
      containerStatus(init(pod), { running: { startedAt: rfc3339() } }, { started: true }),
    ];
    addLog(pod, init(pod).name, "Cloning into '/workspace'...");
  }
  s.containerStatuses = [containerStatus(main(pod), { waiting: { reason: "PodInitializing" } })];
}

export function imagePullBackOff(pod: StandInPod): void {
  const s = pod.object.status;
  const first = init(pod) ?? main(pod);
  const waiting = { reason: "ImagePullBackOff", message: `Back-off pulling image "${first.image}"` };
  if (init(pod)) s.initContainerStatuses = [containerStatus(first, { waiting })];
  else s.containerStatuses = [containerStatus(first, { waiting })];
}

function terminatedInit(pod: StandInPod, exitCode: number, message?: string): void {
  if (!init(pod)) return;
  const terminated = {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: rfc3339(),
    finishedAt: rfc3339(),
    ...(message ? { message } : {}),
  };
  pod.object.status.initContainerStatuses = [containerStatus(init(pod), { terminated })];
}

export function running(pod: StandInPod): void {
  const s = pod.object.status;
  terminatedInit(pod, 0);
  s.phase = "Running";
  s.podIP = "10.1.0.7";
  s.podIPs = [{ ip: "10.1.0.7" }];
  s.conditions = [
    condition("PodScheduled", "True"),
    condition("Initialized", "True"),
    condition("ContainersReady", "True"),
    condition("Ready", "True"),
  ];
  s.containerStatuses = [
    containerStatus(main(pod), { running: { startedAt: rfc3339() } }, { ready: true, started: true }),
  ];
  addLog(pod, main(pod).name, "loom: weaver started");
}

export function exited(pod: StandInPod, exitCode: number, message?: string): void {
  const s = pod.object.status;
  s.phase = exitCode === 0 ? "Succeeded" : "Failed";
  s.conditions = [
    condition("PodScheduled", "True"),
    condition("Initialized", "True"),
    condition("ContainersReady", "False", { reason: "PodCompleted" }),
    condition("Ready", "False", { reason: "PodCompleted" }),
  ];
  const terminated = {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: rfc3339(),
    finishedAt: rfc3339(),
    ...(message ? { message } : {}),
  };
  s.containerStatuses = [containerStatus(main(pod), { terminated })];
}

export function cloneFailed(pod: StandInPod): void {
  const repo = init(pod)?.command?.at(-2) ?? "?";
  addLog(pod, init(pod)?.name ?? "clone", `fatal: repository '${repo}' not found`);
  terminatedInit(pod, 128, `fatal: repository '${repo}' not found`);
  pod.object.status.phase = "Failed";
}

/** The steps after creation (each one a MODIFIED event); the first runs even when the plan holds. */
export function lifecycle(pod: StandInPod): { first: () => void; rest: (() => void)[] } {
  const plan = pod.plan;
  switch (plan.outcome) {
    case "image-pull-backoff":
      return { first: () => imagePullBackOff(pod), rest: [] };
    case "fail-clone":
      return { first: () => initializing(pod), rest: [() => cloneFailed(pod)] };
    case "run":
      return { first: () => initializing(pod), rest: [() => running(pod)] };
    case "complete":
      return {
        first: () => initializing(pod),
        rest: [
          () => running(pod),
          () => {
            for (const line of plan.lines) addLog(pod, main(pod).name, line);
            exited(pod, 0);
          },
        ],
      };
  }
}

export function containerState(pod: StandInPod, name: string): Json | undefined {
  const all = [
    ...(pod.object.status.initContainerStatuses ?? []),
    ...(pod.object.status.containerStatuses ?? []),
  ];
  return all.find((c: Json) => c.name === name)?.state;
}
