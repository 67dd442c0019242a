import { expect, test } from "bun:test";
import { csvCell } from "./export.ts";

test("csvCell quotes separators and defuses spreadsheet formulas", () => {
  expect(csvCell("plain")).toBe("plain");
  expect(csvCell('a,"b"')).toBe('"a,""b"""');
  expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
  expect(csvCell("-1,2")).toBe('"\'-1,2"');
  expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
});
