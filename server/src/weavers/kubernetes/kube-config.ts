/** Where the driver finds its cluster: in-cluster service account, a kubeconfig file, or the usual lookup. */
import { existsSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import type { WeaversKubernetesConfig } from "@loom/runtime/config/weavers-kubernetes";
import { LoomError } from "@loom/runtime/errors";

type Source = Pick<WeaversKubernetesConfig, "in_cluster" | "kubeconfig" | "context">;

export function loadKubeConfig(config: Source): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (config.in_cluster) kc.loadFromCluster();
    else if (config.kubeconfig !== undefined) {
      if (!existsSync(config.kubeconfig))
        throw new LoomError(
          "CONFIG_INVALID",
          `weavers.kubernetes.kubeconfig: no file at ${config.kubeconfig}`,
        );
      kc.loadFromFile(config.kubeconfig);
    } else kc.loadFromDefault();
    if (config.context !== undefined) {
      if (!kc.getContextObject(config.context))
        throw new LoomError(
          "CONFIG_INVALID",
          `weavers.kubernetes.context: no context '${config.context}' in the kubeconfig`,
        );
      kc.setCurrentContext(config.context);
    }
  } catch (e) {
    if (e instanceof LoomError) throw e;
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new LoomError(
      "CONFIG_INVALID",
      `weavers.kubernetes: cannot load the cluster's configuration: ${why}`,
    );
  }
  if (!kc.getCurrentCluster())
    throw new LoomError(
      "CONFIG_INVALID",
      "weavers.kubernetes: no cluster configured (set in_cluster = true, or kubeconfig = a file with a current context)",
    );
  return kc;
}
