/**
 * The console's one way into wxbridge (ADR 0025): the admin API over HTTP with the signed-in admin's
 * access token, exactly as any admin script calls it — same checks, same audit trail.
 */
export type AdminApiAnswer =
  | { readonly kind: 'ok'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'refused'; readonly status: number; readonly error: string; readonly message: string };

export interface AdminApiClient {
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<AdminApiAnswer>;
}

export function createAdminApiClient(adminAudience: string, accessToken: string): AdminApiClient {
  return {
    async call(method, path, body) {
      const response = await fetch(`${adminAudience}${path}`, {
        method, signal: AbortSignal.timeout(15_000),
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed: unknown = text === '' ? null : JSON.parse(text);
      if (response.ok) return { kind: 'ok', status: response.status, body: parsed };
      const error = parsed as { error?: unknown; message?: unknown } | null;
      const textOf = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
      return { kind: 'refused', status: response.status, error: textOf(error?.error, 'error'), message: textOf(error?.message, '') };
    },
  };
}
