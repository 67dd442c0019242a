/**
 * The host functions Loom offers WASM plugins, in the `extism:host/user` namespace, and the
 * manifest permission each one needs. Every argument and result is an Extism memory offset (i64).
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
] as const;
export type HostFunctionName = (typeof HOST_FUNCTIONS)[number];

export type PermissionKey = "read" | "write" | "network" | "env";

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
      return { key: "none" };
    default: {
      const never: never = name;
      return never;
    }
  }
}
