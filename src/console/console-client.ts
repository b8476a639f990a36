/**
 * The console's own OAuth client (ADR 0025): a first-party public client (PKCE is its proof; the
 * console is a backend-for-frontend, so its tokens never reach the browser) allowed scope `admin` on the
 * admin API audience, and `offline_access`, so the console renews the admin's short-lived token
 * server-side (ADR 0025 addendum). Seeded by `migrate` (issue 14 #2) for the issuer the database serves,
 * and checked again before every console sign-in: re-created when what it is registered with differs
 * (the issuer changed since, or an older wxbridge registered it without offline_access).
 */
import { AppError } from '../errors.ts';

export const CONSOLE_CLIENT_ID = 'wxbridge-console';
export const CONSOLE_PREFIX = '/console';

export interface ConsoleClientRegistry {
  register(input: {
    type: 'spa'; clientId: string; name: string; redirectUris: string[]; postLogoutRedirectUris: string[];
    firstParty: boolean; scope: string; resources: Record<string, string>; defaultResource: string;
  }): Promise<unknown>;
  show(clientId: string): Promise<{ redirectUris?: readonly string[]; postLogoutRedirectUris?: readonly string[]; scope?: string | null; resources?: Readonly<Record<string, string>>; defaultResource?: string | null; firstParty?: boolean }>;
  remove(clientId: string): Promise<unknown>;
}

export const consoleCallback = (issuer: string): string => `${issuer}${CONSOLE_PREFIX}/callback`;
export const consoleSignedOut = (issuer: string): string => `${issuer}${CONSOLE_PREFIX}/signed-out`;

/**
 * Registers the console client, or re-registers it when the metadata that matters (redirect URIs, scope,
 * resources, first-party) differs; does nothing when it is in place (so `migrate`, run at every deploy,
 * leaves no audit noise). A registration racing another one (two workers' first sign-ins) finds the
 * client there afterwards.
 */
export async function ensureConsoleClient(clients: ConsoleClientRegistry, issuer: string, adminAudience: string): Promise<void> {
  const input = {
    type: 'spa' as const, clientId: CONSOLE_CLIENT_ID, name: 'wxbridge console',
    redirectUris: [consoleCallback(issuer)], postLogoutRedirectUris: [consoleSignedOut(issuer)],
    firstParty: true, scope: 'openid offline_access', resources: { [adminAudience]: 'admin' }, defaultResource: adminAudience,
  };
  const existing = await clients.show(CONSOLE_CLIENT_ID).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'client.not_found') return undefined;
    throw error;
  });
  if (existing !== undefined && isUpToDate(existing, input)) return;
  if (existing !== undefined) await clients.remove(CONSOLE_CLIENT_ID);
  try {
    await clients.register(input);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'client.conflict')) throw error;
  }
}

type Registration = Parameters<ConsoleClientRegistry['register']>[0];

function isUpToDate(existing: Awaited<ReturnType<ConsoleClientRegistry['show']>>, wanted: Registration): boolean {
  const sameList = (a: readonly string[] | undefined, b: readonly string[]): boolean => a?.length === b.length && a.every((value, i) => value === b[i]);
  const sameScope = (a: string | null | undefined, b: string): boolean => typeof a === 'string' && [...new Set(a.split(' '))].sort().join(' ') === [...new Set(b.split(' '))].sort().join(' ');
  const resources = Object.entries(wanted.resources);
  return sameList(existing.redirectUris, wanted.redirectUris) && sameList(existing.postLogoutRedirectUris, wanted.postLogoutRedirectUris)
    && sameScope(existing.scope, wanted.scope) && existing.firstParty === wanted.firstParty && existing.defaultResource === wanted.defaultResource
    && Object.keys(existing.resources ?? {}).length === resources.length
    && resources.every(([indicator, scope]) => sameScope(existing.resources?.[indicator], scope));
}
