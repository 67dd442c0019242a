import { expect, test } from "bun:test";
import { expandOutput, runPager } from "./expand-output.ts";

function target(rows?: number, pager?: (text: string) => boolean) {
  const printed: string[] = [];
  const paged: string[] = [];
  const t = {
    print: (l: string) => printed.push(l),
    dim: (s: string) => s,
    ...(rows !== undefined ? { rows } : {}),
    ...(pager
      ? {
          page: (text: string) => {
            paged.push(text);
            return pager(text);
          },
        }
      : {}),
  };
  return { t, printed, paged };
}

const output = {
  name: "bash",
  arg: "seq 1 30",
  text: `${Array.from({ length: 30 }, (_, i) => i + 1).join("\n")}\n`,
};

test("short output, or no terminal, is printed whole between rules", () => {
  const { t, printed, paged } = target(50, () => true);
  expandOutput(output, t);
  expect(paged).toEqual([]);
  expect(printed[0]).toBe("── bash seq 1 30: 30 lines");
  expect(printed.slice(1, -1)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
  expect(printed.at(-1)).toBe("──");
  const piped = target(undefined, () => true);
  expandOutput(output, piped.t);
  expect(piped.paged).toEqual([]);
});

test("output taller than the terminal goes to the pager; printed when the pager fails", () => {
  const paged = target(20, () => true);
  expandOutput(output, paged.t);
  expect(paged.printed).toEqual([]);
  expect(paged.paged[0]!.startsWith("bash seq 1 30: 30 lines\n\n1\n2\n")).toBe(true);
  const failed = target(20, () => false);
  expandOutput(output, failed.t);
  expect(failed.printed).toHaveLength(32);
});

test("nothing to expand says so", () => {
  const { t, printed } = target(20);
  expandOutput(undefined, t);
  expect(printed).toEqual(["no tool output yet"]);
});

test("the pager gets the text on its stdin; PAGER=cat or a failing pager means print instead", async () => {
  const dir = `${process.env.TMPDIR ?? "/tmp"}/loom-pager-${process.pid}`;
  const file = `${dir}-out`;
  expect(runPager("hello\n", { PATH: process.env.PATH, PAGER: `cat > ${file}` })).toBe(true);
  expect(await Bun.file(file).text()).toBe("hello\n");
  await Bun.file(file).delete();
  expect(runPager("x", { PATH: process.env.PATH, PAGER: "cat" })).toBe(false);
  expect(runPager("x", { PATH: process.env.PATH, PAGER: "exit 3" })).toBe(false);
});
