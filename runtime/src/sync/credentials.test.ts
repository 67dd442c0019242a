import { describe, expect, test } from "bun:test";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentialsPath, normalizeServerUrl, readCredentials, writeCredentials } from "./credentials.ts";

describe("credentials", () => {
  test("saved with mode 0600 under the XDG config dir, keyed by normalised server URL", () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "loom-cred-")), HOME: "/nonexistent" };
    const path = writeCredentials(
      { server: "http://Loom.Example:8080/", token: "lt_abc", userId: "ada" },
      env,
    );
    expect(path).toBe(credentialsPath(env));
    expect(path.startsWith(env.XDG_CONFIG_HOME)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeCredentials({ server: "https://other.example", token: "lt_other" }, env);
    const c = readCredentials("http://loom.example:8080", env);
    expect(c?.token.expose()).toBe("lt_abc");
    expect(String(c?.token)).toBe("[redacted]");
    expect(c?.userId).toBe("ada");
    expect(readCredentials("https://other.example/", env)?.token.expose()).toBe("lt_other");
    expect(readCredentials("https://unknown.example", env)).toBeUndefined();
  });

  test("URL normalisation drops trailing slashes and default ports", () => {
    expect(normalizeServerUrl("https://a.example:443/")).toBe("https://a.example");
    expect(normalizeServerUrl("http://a.example/loom/")).toBe("http://a.example/loom");
  });
});
