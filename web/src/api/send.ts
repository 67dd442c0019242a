/**
 * Typed POST/PUT/DELETE over the generated OpenAPI types (as `apiGet` for reads): the path, its
 * parameters, the JSON body and the answer come from `paths`, so a changed route fails typecheck.
 * Cookie sessions need no header (the browser sends Origin, which the server's CSRF check reads);
 * a token from sign-in goes as `Authorization: Bearer`.
 */
import { ApiError, fillPath } from "./client.ts";
import type { paths } from "./generated/openapi";
import { getToken } from "./session.ts";

type Method = "post" | "put" | "delete";
type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Op<M extends Method, P extends PathsWith<M>> = paths[P][M];
type PathOf<O> = O extends { parameters: { path: infer R } } ? R : never;
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : undefined;
type Answer<O> = O extends { responses: infer R }
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer A }
      ? JsonOf<A>
      : undefined
  : undefined;

export type SendOptions<M extends Method, P extends PathsWith<M>> = ([PathOf<Op<M, P>>] extends [never]
  ? { path?: undefined }
  : { path: PathOf<Op<M, P>> }) &
  ([BodyOf<Op<M, P>>] extends [never] ? { body?: undefined } : { body: BodyOf<Op<M, P>> });

export type SendResult<M extends Method, P extends PathsWith<M>> = Answer<Op<M, P>>;

export async function apiSend<M extends Method, P extends PathsWith<M>>(
  method: M,
  path: P,
  opts: SendOptions<M, P>,
  init: { fetch?: typeof fetch } = {},
): Promise<SendResult<M, P>> {
  const o = opts as { path?: Record<string, string>; body?: unknown };
  const token = getToken();
  const res = await (init.fetch ?? fetch)(fillPath(path, o.path), {
    method: method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    throw new ApiError(
      res.status,
      body?.error?.code ?? "HTTP_ERROR",
      body?.error?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return (res.status === 204 ? undefined : await res.json()) as SendResult<M, P>;
}
