import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatError } from "../errors.ts";
import { expandRefs } from "./secret-refs.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-refs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "token"), "t0ken\n");
const env = { HOME: dir, A: "alpha", B_FILE: join(dir, "token") };

const fails = (values: Record<string, string>, e: Record<string, string> = env): string => {
  try {
    expandRefs(values, e, "mcp.servers.x.env");
  } catch (error) {
    return formatError(error);
  }
  throw new Error("expected an error");
};

test(`\${VAR}, \${VAR} from VAR_FILE, \${file:PATH} and \${file:~/…}; the file's last newline dropped`, () => {
  expect(
    expandRefs(
      {
        plain: "no refs",
        a: `x-\${A}-y`,
        b: `\${B}`,
        f: `Bearer \${file:${join(dir, "token")}}`,
        home: `\${file:~/token}`,
      },
      env,
      "w",
    ),
  ).toEqual({ plain: "no refs", a: "x-alpha-y", b: "t0ken", f: "Bearer t0ken", home: "t0ken" });
  // A set variable wins over its _FILE.
  expect(expandRefs({ b: `\${B}` }, { ...env, B: "direct" }, "w")).toEqual({ b: "direct" });
});

test("missing variables and files are one line naming the key and the reference, never a value", () => {
  expect(fails({ K: `\${NOPE}` })).toBe(
    `CONFIG_INVALID: mcp.servers.x.env K names \${NOPE}, which is not set`,
  );
  expect(fails({ K: `\${file:/nonexistent/secret}` })).toBe(
    "CONFIG_INVALID: mcp.servers.x.env K: file /nonexistent/secret does not exist",
  );
  expect(fails({ K: `\${file:relative/path}` })).toBe(
    "CONFIG_INVALID: mcp.servers.x.env K: file relative/path must be an absolute path or start with ~/",
  );
  expect(fails({ K: `\${C}` }, { C_FILE: "/nonexistent/c" })).toBe(
    `CONFIG_INVALID: mcp.servers.x.env K (\${C_FILE}): file /nonexistent/c does not exist`,
  );
  const message = fails({ K: `\${A}`, L: `\${NOPE}` });
  expect(message).not.toContain("alpha");
});
