import { describe, expect, test } from "bun:test";
import { denialKind, explainDenial } from "./denial.ts";
import type { SandboxPolicy } from "./types.ts";

const policy: SandboxPolicy = { mode: "workspace-write", network: "none", hidden: ["/h/.ssh"], writable: [] };

describe("explainDenial", () => {
  test("names what the sandbox refused and how to ask for more", () => {
    expect(denialKind("touch: cannot touch '/etc/x': Read-only file system", policy)).toBe("write");
    expect(denialKind("curl: (6) Could not resolve host: example.com", policy)).toBe("network");
    expect(denialKind("cat: /h/.ssh/id_rsa: No such file or directory", policy)).toBe("hidden");
    const note = explainDenial("Read-only file system", policy) ?? "";
    expect(note).toContain("workspace-write");
    expect(note).toContain("--sandbox danger-full-access");
    expect(explainDenial("Read-only file system", { ...policy, mode: "read-only" })).toContain("read-only");
  });

  test("an ordinary failure is not blamed on the sandbox; network errors not with the host's network", () => {
    expect(explainDenial("error: test failed", policy)).toBeUndefined();
    expect(denialKind("Could not resolve host: x", { ...policy, network: "host" })).toBeUndefined();
  });

  test("with an allow-list: the proxy's refusal is a network denial naming the list", () => {
    const hosts: SandboxPolicy = { ...policy, network: "hosts", hosts: ["registry.npmjs.org"] };
    expect(denialKind("curl: (56) CONNECT tunnel failed, response 403", hosts)).toBe("network");
    expect(denialKind("loom sandbox: evil.com:80 is not in [sandbox] network, …", hosts)).toBe("network");
    expect(explainDenial("Could not resolve host: evil.com", hosts)).toContain("registry.npmjs.org");
  });
});
