import { Elysia, t } from "elysia";
import { authPlugin } from "./plugin.ts";
import type { PrincipalResolver } from "./principal.ts";

export const PrincipalSchema = t.Object({
  userId: t.String(),
  via: t.String(),
  tokenId: t.Optional(t.String()),
  name: t.Optional(t.String()),
  rateLimitPerMinute: t.Optional(t.Integer()),
});

export function authRoutes(resolvers: PrincipalResolver[]) {
  return new Elysia({ prefix: "/api/auth" })
    .use(authPlugin(resolvers))
    .get("/me", ({ principal }) => principal, {
      auth: true,
      response: PrincipalSchema,
      detail: { summary: "The calling principal", operationId: "auth.me", tags: ["auth"] },
    });
}
