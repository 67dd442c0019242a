import { expect, test } from "bun:test";
import { sandboxPath } from "./sandbox-path.ts";

test("a weaver's PATH keeps the server's entries and always reaches the system folders", () => {
  expect(sandboxPath("/tmp/only-here")).toBe(
    "/tmp/only-here:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  );
  expect(sandboxPath("/usr/bin:/opt/x")).toBe(
    "/usr/bin:/opt/x:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin",
  );
  expect(sandboxPath("")).toBe("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
});
