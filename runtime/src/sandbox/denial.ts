/**
 * What a failed sandboxed command was denied, read from its output, as a note the model can act
 * on: what the sandbox refused and how to ask for more. A guess from error texts; it names the
 * sandbox only when the output shows a refusal the sandbox causes.
 */
import type { SandboxPolicy } from "./types.ts";

export type DenialKind = "write" | "network" | "hidden";

const WRITE = /Read-only file system|EROFS/;
/** What a client prints when Loom's proxy refused a host (curl, the proxy's own body). */
const PROXY_REFUSAL =
  /is not in \[sandbox\] network|from proxy after CONNECT|CONNECT tunnel failed, response 403/;
const NETWORK =
  /Network is unreachable|ENETUNREACH|Could not resolve host|Temporary failure in name resolution|EAI_AGAIN|getaddrinfo|Name or service not known|Connection refused|ECONNREFUSED/;

export function denialKind(output: string, policy: SandboxPolicy): DenialKind | undefined {
  if (WRITE.test(output)) return "write";
  if (policy.network !== "host" && (PROXY_REFUSAL.test(output) || NETWORK.test(output))) return "network";
  if (policy.hidden.some((p) => output.includes(p))) return "hidden";
  return undefined;
}

/** The note for a failed sandboxed command, or undefined when its output shows no sandbox refusal. */
export function explainDenial(output: string, policy: SandboxPolicy): string | undefined {
  const kind = denialKind(output, policy);
  if (!kind) return undefined;
  const how =
    "If the task needs it, ask the user: they can allow it once (when asked), add the path or network to [sandbox] in their config, or rerun with --sandbox danger-full-access.";
  switch (kind) {
    case "write":
      return policy.mode === "read-only"
        ? `The sandbox is read-only: every write fails (only the private /tmp is writable). ${how}`
        : `The sandbox (workspace-write) denied a write: only the workspace, its git dir (not hooks or config), a private /tmp and the tools' caches are writable. ${how}`;
    case "network":
      if (policy.network === "hosts")
        return `The sandbox reaches only its own loopback and the hosts in [sandbox] network (${(policy.hosts ?? []).join(", ")}), through a proxy given in HTTP_PROXY/HTTPS_PROXY: other hosts, direct connections and DNS lookups fail. ${how}`;
      return `The sandbox has no network: only its own loopback (a server the command starts itself) is reachable, not the host's or the internet. ${how}`;
    case "hidden":
      return `The sandbox hides credential stores (${policy.hidden.join(", ")}): they read as empty. Do not try to reach them another way. ${how}`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
