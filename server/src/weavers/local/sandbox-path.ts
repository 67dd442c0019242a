/**
 * The PATH a weaver's sandbox gets: the server's own, then the system folders. Entries under the
 * host's /tmp or home are hidden inside the sandbox, so a server started with only those on its PATH
 * would leave the weaver without `sh` and `git`.
 */
const SYSTEM = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export function sandboxPath(hostPath = process.env.PATH ?? ""): string {
  const parts = hostPath.split(":").filter((p) => p !== "");
  for (const dir of SYSTEM) if (!parts.includes(dir)) parts.push(dir);
  return parts.join(":");
}
