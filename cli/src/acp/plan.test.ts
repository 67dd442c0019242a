import { describe, expect, test } from "bun:test";
import { parsePlan, planOf, planTracker } from "./plan.ts";

describe("plan from task lists", () => {
  test("task-list items become entries; marks give the status; fenced code and plain bullets do not count", () => {
    const text = [
      "Plan:",
      "- [x] read the config",
      "* [~] fix the parser",
      "1. [ ] add a test",
      "- not a task",
      "```md",
      "- [ ] inside a fence",
      "```",
      "+ [>] ship it  ",
    ].join("\n");
    expect(parsePlan(text)).toEqual([
      { content: "read the config", priority: "medium", status: "completed" },
      { content: "fix the parser", priority: "medium", status: "in_progress" },
      { content: "add a test", priority: "medium", status: "pending" },
      { content: "ship it", priority: "medium", status: "in_progress" },
    ]);
    expect(parsePlan("no list here\n- [ ]\n")).toEqual([]);
    expect(parsePlan("- [ ] a\n- [ ] b\nNow:\n- [x] a").map((e) => [e.content, e.status])).toEqual([
      ["a", "completed"],
      ["b", "pending"],
    ]);
  });

  test("the tracker reports a changed plan per finished line, keeps it across replies, ignores repeats", () => {
    const t = planTracker();
    expect(t.text("I will:\n- [ ] a")).toBeUndefined();
    expect(t.text("\n- [ ] b")).toEqual([{ content: "a", priority: "medium", status: "pending" }]);
    expect(t.endReply()?.map((e) => e.content)).toEqual(["a", "b"]);
    // A reply without a list leaves the plan; the same list again is not news.
    expect(t.text("Working on it.\n")).toBeUndefined();
    expect(t.endReply()).toBeUndefined();
    t.text("- [ ] a\n- [ ] b\n");
    expect(t.endReply()).toBeUndefined();
    t.text("- [x] a\n- [ ] b");
    expect(t.endReply()?.map((e) => e.status)).toEqual(["completed", "pending"]);
    expect(t.current.map((e) => e.status)).toEqual(["completed", "pending"]);
  });

  test("a stored conversation's plan is its last task list", () => {
    expect(
      planOf([
        { role: "user", content: "- [ ] the user's list does not count" },
        { role: "assistant", content: "- [ ] one\n- [ ] two" },
        { role: "assistant", content: "- [x] one\n- [ ] two" },
        { role: "assistant", content: "done with one" },
      ]).map((e) => [e.content, e.status]),
    ).toEqual([
      ["one", "completed"],
      ["two", "pending"],
    ]);
  });
});
