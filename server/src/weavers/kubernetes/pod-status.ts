/**
 * Reads a weaver back from its pod: pure functions over what the Kubernetes API returns.
 * `weaverInfo` is what `get`/`list` answer; `readiness` is what `waitReady` watches for.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { WeaverInfo, WeaverStatus } from "../driver.ts";
import { ANNOTATION, CLONE_CONTAINER, LABEL_MANAGED, MAIN_CONTAINER } from "./pod-spec.ts";

export type Readiness =
  | { state: "ready" }
  | { state: "failed"; reason: string }
  /** Still starting; `reason` says on what when Kubernetes tells (ImagePullBackOff, Unschedulable…). */
  | { state: "waiting"; reason?: string };

export function isManaged(pod: V1Pod): boolean {
  return pod.metadata?.labels?.[LABEL_MANAGED] === "true";
}

function container(pod: V1Pod, name: string, init = false): V1ContainerStatus | undefined {
  const list = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return list?.find((c) => c.name === name);
}

/** "clone failed (exit 128): fatal: repository not found", or undefined while the clone is fine. */
function cloneFailure(pod: V1Pod): string | undefined {
  const done = container(pod, CLONE_CONTAINER, true)?.state?.terminated;
  if (!done || done.exitCode === 0) return undefined;
  return oneLine(`clone failed (exit ${done.exitCode})${done.message ? `: ${done.message}` : ""}`);
}

function mainExit(pod: V1Pod): { exitCode?: number; reason?: string } {
  const done = container(pod, MAIN_CONTAINER)?.state?.terminated;
  if (!done) return {};
  const why = done.message || done.reason;
  return { exitCode: done.exitCode, ...(why ? { reason: oneLine(why) } : {}) };
}

/** Why the pod is not running yet, when Kubernetes says. */
function waitingReason(pod: V1Pod): string | undefined {
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w?.reason && w.reason !== "PodInitializing" && w.reason !== "ContainerCreating")
      return oneLine(w.message ? `${w.reason}: ${w.message}` : w.reason);
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) return oneLine(unscheduled.message || unscheduled.reason || "not scheduled");
  return undefined;
}

function failedReason(pod: V1Pod): string {
  const exit = mainExit(pod);
  return (
    cloneFailure(pod) ??
    exit.reason ??
    oneLine(pod.status?.message || pod.status?.reason || `exited with code ${exit.exitCode ?? "unknown"}`)
  );
}

export function readiness(pod: V1Pod): Readiness {
  const failure = pod.metadata?.annotations?.[ANNOTATION.failure];
  if (failure) return { state: "failed", reason: failure };
  if (pod.metadata?.deletionTimestamp) return { state: "failed", reason: "deleted while starting" };
  const clone = cloneFailure(pod);
  if (clone) return { state: "failed", reason: clone };
  switch (pod.status?.phase) {
    case "Succeeded":
      return { state: "ready" };
    case "Failed":
      return { state: "failed", reason: failedReason(pod) };
    case "Running":
      if (container(pod, MAIN_CONTAINER)?.state?.running) return { state: "ready" };
      break;
  }
  const reason = waitingReason(pod);
  return reason ? { state: "waiting", reason } : { state: "waiting" };
}

function status(pod: V1Pod): WeaverStatus {
  if (pod.metadata?.annotations?.[ANNOTATION.failure]) return "failed";
  if (pod.metadata?.deletionTimestamp) return "terminating";
  if (cloneFailure(pod)) return "failed";
  switch (pod.status?.phase) {
    case "Running":
      return "running";
    case "Succeeded":
      return "succeeded";
    case "Failed":
      return "failed";
    default:
      return "pending";
  }
}

function iso(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return new Date(value).toISOString();
}

export function weaverInfo(pod: V1Pod): WeaverInfo {
  const meta = pod.metadata ?? {};
  const a = meta.annotations ?? {};
  const createdAt = a[ANNOTATION.createdAt] ?? iso(meta.creationTimestamp) ?? new Date(0).toISOString();
  const info: WeaverInfo = {
    id: meta.name ?? "",
    owner: { userId: a[ANNOTATION.ownerUser] ?? "" },
    repo: a[ANNOTATION.repo] ?? "",
    status: status(pod),
    createdAt,
    expiresAt: a[ANNOTATION.expiresAt] ?? createdAt,
  };
  if (a[ANNOTATION.ownerOrg] !== undefined) info.owner.orgId = a[ANNOTATION.ownerOrg];
  if (a[ANNOTATION.branch] !== undefined) info.branch = a[ANNOTATION.branch];
  if (a[ANNOTATION.task] !== undefined) info.task = a[ANNOTATION.task];
  const exit = mainExit(pod);
  if (exit.exitCode !== undefined) info.exitCode = exit.exitCode;
  if (info.status === "failed") info.reason = readinessFailure(pod) ?? failedReason(pod);
  else if (info.status === "pending") {
    const why = waitingReason(pod);
    if (why) info.reason = why;
  }
  return info;
}

function readinessFailure(pod: V1Pod): string | undefined {
  const r = readiness(pod);
  return r.state === "failed" ? r.reason : undefined;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
