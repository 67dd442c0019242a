/**
 * The host functions Loom offers WASM plugins, in the `extism:host/user` namespace, and the
 * manifest permission each one needs. Every argument and result is an Extism memory offset (i64).
 * specs/plugin-authoring.md ("Host ABI reference") documents each one for plugin authors.
 */
export const HOST_FUNCTIONS = [
  "read_file",
  "write_file",
  "list_dir",
  "stat",
  "http_fetch",
  "env_get",
  "log",
  "abort",
  "emit_event",
] as const;
export type HostFunctionName = (typeof HOST_FUNCTIONS)[number];

export type PermissionKey = "read" | "write" | "network" | "env";

/** Host functions only a plugin of kind `provider` may import (a tool has no event stream). */
export const PROVIDER_ONLY: readonly HostFunctionName[] = ["emit_event"];

export function permissionFor(name: HostFunctionName): { key: PermissionKey | "none" } {
  switch (name) {
    case "read_file":
    case "list_dir":
    case "stat":
      return { key: "read" };
    case "write_file":
      return { key: "write" };
    case "http_fetch":
      return { key: "network" };
    case "env_get":
      return { key: "env" };
    case "log":
    case "abort":
    case "emit_event":
      return { key: "none" };
    default: {
      const never: never = name;
      return never;
    }
  }
}
