import { expect, test } from "bun:test";
import { generateTypes, TYPES_PATH } from "./openapi-types.ts";

test("web/src/api/generated/openapi.d.ts is what the server's OpenAPI document gives (run web/scripts/openapi-types.ts)", async () => {
  expect(await Bun.file(TYPES_PATH).text()).toBe(await generateTypes());
});
