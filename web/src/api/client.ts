/**
 * A typed client over the server's generated OpenAPI types: the path, its parameters and the 200
 * body all come from `paths`, so a renamed route or a changed field fails `bun run typecheck`.
 */
import type { paths } from "./generated/openapi";
import { getToken } from "./session.ts";

type GetPaths = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type GetOp<P extends GetPaths> = paths[P]["get"];
type Params<O> = O extends { parameters: infer X } ? X : never;
type QueryOf<O> = Params<O> extends { query?: infer Q } ? Q : never;
type PathOf<O> = Params<O> extends { path: infer R } ? R : never;
type Ok<O> = O extends { responses: { 200: { content: { "application/json": infer T } } } } ? T : never;

export type GetOptions<P extends GetPaths> = ([PathOf<GetOp<P>>] extends [never]
  ? { path?: undefined }
  : { path: PathOf<GetOp<P>> }) &
  ([QueryOf<GetOp<P>>] extends [never] | [undefined] ? { query?: undefined } : { query?: QueryOf<GetOp<P>> });

export type GetResult<P extends GetPaths> = Ok<GetOp<P>>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `/api/threads/{id}` + `{ id: "T-…" }` → `/api/threads/T-…`. */
export function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params?.[k];
    if (v === undefined) throw new Error(`missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

export function queryString(q: Record<string, unknown> | undefined): string {
  if (!q) return "";
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : "";
}

export async function apiGet<P extends GetPaths>(
  path: P,
  opts: GetOptions<P> = {} as GetOptions<P>,
  init: { token?: string | null; fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<GetResult<P>> {
  const o = opts as { path?: Record<string, string>; query?: Record<string, unknown> };
  const url = fillPath(path, o.path) + queryString(o.query);
  const token = init.token === undefined ? getToken() : init.token;
  const res = await (init.fetch ?? fetch)(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: init.signal,
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
  return (await res.json()) as GetResult<P>;
}

type SendMethod = "post" | "put" | "delete";
type SendPaths<M extends SendMethod> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type SendOp<M extends SendMethod, P extends SendPaths<M>> = paths[P][M];
type BodyOf<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { "application/json": infer B } }
      ? B
      : never
  : never;
type Created<O> = O extends { responses: { 201: { content: { "application/json": infer T } } } }
  ? T
  : O extends { responses: { 200: { content: { "application/json": infer T } } } }
    ? T
    : undefined;

export type SendOptions<M extends SendMethod, P extends SendPaths<M>> = ([PathOf<SendOp<M, P>>] extends [
  never,
]
  ? { path?: undefined }
  : { path: PathOf<SendOp<M, P>> }) &
  ([BodyOf<SendOp<M, P>>] extends [never] ? { body?: undefined } : { body: BodyOf<SendOp<M, P>> });

export type SendResult<M extends SendMethod, P extends SendPaths<M>> = Created<SendOp<M, P>>;

/** POST/PUT/DELETE with a typed JSON body; the answer's body (201 or 200), undefined for 204. */
export async function apiSend<M extends SendMethod, P extends SendPaths<M>>(
  method: M,
  path: P,
  opts: SendOptions<M, P>,
  init: { token?: string | null; fetch?: typeof fetch } = {},
): Promise<SendResult<M, P>> {
  const o = opts as { path?: Record<string, string>; body?: unknown };
  const token = init.token === undefined ? getToken() : init.token;
  const res = await (init.fetch ?? fetch)(fillPath(path, o.path), {
    method: method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(o.body === undefined ? {} : { "content-type": "application/json" }),
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
