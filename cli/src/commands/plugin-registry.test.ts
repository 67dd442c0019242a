import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_REGISTRY, registryFailure, registryFor, registryOptions } from "./plugin-registry.ts";

function homes(userrc?: string, projectrc?: string): { home: string; cwd: string } {
  const base = mkdtempSync(join(tmpdir(), "loom-npmrc-"));
  const home = join(base, "home");
  const cwd = join(base, "ws");
  mkdirSync(home);
  mkdirSync(cwd);
  if (userrc !== undefined) writeFileSync(join(home, ".npmrc"), userrc);
  if (projectrc !== undefined) writeFileSync(join(cwd, ".npmrc"), projectrc);
  return { home, cwd };
}

/** `${ACME_TOKEN}` as .npmrc writes it. */
const TOKEN = "$" + "{ACME_TOKEN}";

describe("registryOptions", () => {
  test("npmjs when nothing says otherwise", () => {
    const { home, cwd } = homes();
    expect(registryOptions({ cwd, env: { HOME: home } }).registry).toBe(DEFAULT_REGISTRY);
  });

  test("precedence: --registry, then [plugins] registry, then the workspace .npmrc, then the user's", () => {
    const { home, cwd } = homes("registry=https://user.example/\n", "registry=https://project.example\n");
    const env = { HOME: home };
    expect(registryOptions({ cwd, env }).registry).toBe("https://project.example/");
    expect(registryOptions({ env }).registry).toBe("https://user.example/");
    expect(registryOptions({ cwd, env, config: "https://config.example" }).registry).toBe(
      "https://config.example/",
    );
    expect(
      registryOptions({ cwd, env, config: "https://config.example", flag: "http://127.0.0.1:4873" }).registry,
    ).toBe("http://127.0.0.1:4873/");
  });

  test("scoped registries and tokens from .npmrc, $-brace variables expanded; a token is keyed to its host", () => {
    const { home } = homes(
      `@acme:registry=https://npm.acme.example/\n//npm.acme.example/:_authToken=${TOKEN}\n`,
    );
    const opts = registryOptions({ env: { HOME: home, ACME_TOKEN: "s3cret" } });
    expect(opts["//npm.acme.example/:_authToken"]).toBe("s3cret");
    expect(registryFor("@acme/tool", opts)).toBe("https://npm.acme.example/");
    expect(registryFor("tool", opts)).toBe(DEFAULT_REGISTRY);
    expect(() => registryOptions({ env: { HOME: home } })).toThrow(`${TOKEN} is not set`);
  });

  test("NPM_CONFIG_USERCONFIG names the user .npmrc; a bad URL is one line", () => {
    const { home } = homes();
    const rc = join(home, "other.npmrc");
    writeFileSync(rc, "registry=https://other.example/\n");
    expect(registryOptions({ env: { HOME: home, NPM_CONFIG_USERCONFIG: rc } }).registry).toBe(
      "https://other.example/",
    );
    expect(() => registryOptions({ env: { HOME: home }, flag: "ftp://x" })).toThrow(
      "--registry: 'ftp://x' is not an http(s) registry URL",
    );
  });
});

describe("registryFailure", () => {
  const reg = "https://r.example/";
  test("each npm error code as one line", () => {
    expect(registryFailure({ code: "E404" }, "x", reg).message).toBe("x: not found on https://r.example/");
    expect(registryFailure({ code: "E401" }, "x", reg).code).toBe("MISSING_CREDENTIALS");
    expect(registryFailure({ code: "E403", body: { error: "no\nmore" } }, "x", reg).message).toBe(
      "x: https://r.example/ refused: no",
    );
    expect(registryFailure({ code: "ECONNREFUSED" }, "x", reg).message).toBe(
      "x: cannot reach https://r.example/ (ECONNREFUSED)",
    );
    expect(registryFailure(new Error("boom\nstack"), "x", reg).message).toBe("x: boom");
  });
});
