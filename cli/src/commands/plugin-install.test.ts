import { describe, expect, test } from "bun:test";
import { npmFailure } from "./plugin-install.ts";

describe("npmFailure", () => {
  test("a missing package", () => {
    const err =
      "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/x\nnpm error 404\n";
    expect(npmFailure("x", err)).toBe("no package 'x' on the npm registry");
  });
  test("no network", () => {
    const err =
      "npm error code ENOTFOUND\nnpm error syscall getaddrinfo\nnpm error FetchError: request failed\n";
    expect(npmFailure("x", err)).toStartWith("cannot reach the npm registry (ENOTFOUND)");
  });
  test("anything else: npm's first message line, not its code or log lines", () => {
    const err =
      'npm error code EINVALIDPACKAGENAME\nnpm error Invalid package name "@" of package "@@x"\nnpm error A complete log of this run can be found in: /tmp/x.log\n';
    expect(npmFailure("@@x", err)).toBe('Invalid package name "@" of package "@@x"');
    expect(npmFailure("x", "")).toBe("npm failed");
  });
});
