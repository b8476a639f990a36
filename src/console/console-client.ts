/**
 * The console's own OAuth client (ADR 0025): a first-party public client (PKCE is its proof; the
 * console is a backend-for-frontend, so its tokens never reach the browser) allowed scope `admin` on the
 * admin API audience. Seeded by `migrate` (issue 14 #2) for the issuer the database serves, and
 * checked again before every console sign-in: re-created when the issuer changed since.
 */
import { AppError } from '../errors.ts';

export const CONSOLE_CLIENT_ID = 'wxbridge-console';
export const CONSOLE_PREFIX = '/console';

export interface ConsoleClientRegistry {
  register(input: {
    type: 'spa'; clientId: string; name: string; redirectUris: string[]; postLogoutRedirectUris: string[];
    firstParty: boolean; scope: string; resources: Record<string, string>; defaultResource: string;
  }): Promise<unknown>;
  show(clientId: string): Promise<{ redirectUris?: readonly string[] }>;
  remove(clientId: string): Promise<unknown>;
}

export const consoleCallback = (issuer: string): string => `${issuer}${CONSOLE_PREFIX}/callback`;
export const consoleSignedOut = (issuer: string): string => `${issuer}${CONSOLE_PREFIX}/signed-out`;

/**
 * Registers the console client, or re-registers it when the issuer (its redirect URI) changed; does
 * nothing when it is in place (so `migrate`, run at every deploy, leaves no audit noise). A registration
 * racing another one (two workers' first sign-ins) finds the client there afterwards.
 */
export async function ensureConsoleClient(clients: ConsoleClientRegistry, issuer: string, adminAudience: string): Promise<void> {
  const input = {
    type: 'spa' as const, clientId: CONSOLE_CLIENT_ID, name: 'wxbridge console',
    redirectUris: [consoleCallback(issuer)], postLogoutRedirectUris: [consoleSignedOut(issuer)],
    firstParty: true, scope: 'openid', resources: { [adminAudience]: 'admin' }, defaultResource: adminAudience,
  };
  const existing = await clients.show(CONSOLE_CLIENT_ID).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'client.not_found') return undefined;
    throw error;
  });
  if (existing?.redirectUris?.[0] === input.redirectUris[0]) return;
  if (existing !== undefined) await clients.remove(CONSOLE_CLIENT_ID);
  try {
    await clients.register(input);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'client.conflict')) throw error;
  }
}
