import { expect, test } from "bun:test";
import { useDom } from "../../test/dom.ts";
import { rememberReturn, safeNext, takeReturn } from "./return-path.ts";

useDom();

test("only paths of this app are followed", () => {
  expect(safeNext("/device?user_code=123-456-789")).toBe("/device?user_code=123-456-789");
  for (const bad of [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "threads",
    "/sign-in",
    "/sign-in?next=/x",
    "/api/auth/logout",
    3,
    undefined,
  ])
    expect(safeNext(bad)).toBeUndefined();
});

test("a remembered path is taken once, and only within 15 minutes", () => {
  rememberReturn("/sessions", 1_000);
  expect(takeReturn(2_000)).toBe("/sessions");
  expect(takeReturn(2_000)).toBeUndefined();
  rememberReturn("/sessions", 1_000);
  expect(takeReturn(1_000 + 15 * 60_000 + 1)).toBeUndefined();
  localStorage.setItem("loom.returnTo", "{not json");
  expect(takeReturn()).toBeUndefined();
  rememberReturn("//evil.example", 1_000);
  expect(takeReturn(1_001)).toBeUndefined();
  expect(localStorage.getItem("loom.returnTo")).toBeNull();
});
