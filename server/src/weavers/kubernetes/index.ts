/**
 * `createKubernetesDriver(config)`: the driver for `[weavers] driver = "kubernetes"`, from the
 * `[weavers.kubernetes]` section. Bad settings fail here, once, as one CONFIG_INVALID line.
 * @example
 * const driver = createKubernetesDriver(config.weavers.kubernetes);
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { WeaversKubernetesConfig } from "@loom/runtime/config/weavers-kubernetes";
import { LoomError } from "@loom/runtime/errors";
import type { WeaverDriver } from "../driver.ts";
import { KubernetesDriver } from "./driver.ts";
import { loadKubeConfig } from "./kube-config.ts";
import { isQuantity, type PodOptions } from "./pod-spec.ts";

export function podOptions(config: WeaversKubernetesConfig): PodOptions {
  // The config loader checks types; the quantity syntax is checked here.
  for (const key of ["memory", "cpu", "memory_request", "cpu_request"] as const)
    if (!isQuantity(config[key]))
      throw new LoomError(
        "CONFIG_INVALID",
        `weavers.kubernetes.${key}: '${config[key]}' is not a Kubernetes quantity (e.g. 16Gi, 2, 500m)`,
      );
  return {
    namespace: config.namespace,
    image: config.image,
    imagePullPolicy: config.image_pull_policy,
    memory: config.memory,
    cpu: config.cpu,
    memoryRequest: config.memory_request,
    cpuRequest: config.cpu_request,
    ...(config.runtime_class ? { runtimeClass: config.runtime_class } : {}),
    ...(config.server_url ? { serverUrl: config.server_url } : {}),
  };
}

export function createKubernetesDriver(
  config: WeaversKubernetesConfig,
  deps: { kubeConfig?: KubeConfig; now?: () => Date; env?: Record<string, string | undefined> } = {},
): WeaverDriver {
  const pod = podOptions(config);
  const kubeConfig = deps.kubeConfig ?? loadKubeConfig(config, deps.env);
  return new KubernetesDriver({ kubeConfig, pod, ...(deps.now ? { now: deps.now } : {}) });
}
