/**
 * Steady login-and-refresh traffic for the restart tests (test-catalogue P-04, L-07): a few workers
 * log new and returning users in and rotate their refresh tokens, recording every outcome and the
 * token chains a real client would hold. A chain whose refresh failed is set aside, as a client would
 * (its refresh token may or may not have been consumed: docs/decisions/0003).
 */
import { WECHAT_GRANT } from './oidc-client.ts';

export interface Outcome {
  readonly kind: 'login' | 'refresh';
  /** HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
  readonly status: number;
  readonly startedAt: number;
  readonly ms: number;
  readonly body: Record<string, unknown>;
  readonly retryAfter: string | null;
}

export interface Chain {
  readonly user: string;
  refreshToken: string;
  /** Every access and ID token this chain received. */
  readonly tokens: { accessToken: string; idToken: string }[];
  /** A refresh failed: the client would log in again rather than reuse the token. */
  broken: boolean;
  busy: boolean;
}

export interface TrafficOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly code: (user: string) => string;
  readonly workers?: number;
  /** Per-request timeout: a hang shows up as status 0 after this long. */
  readonly timeoutMs?: number;
}

export interface Traffic {
  readonly outcomes: Outcome[];
  readonly chains: Chain[];
  /** Users whose login was answered 200 at least once. */
  readonly loggedIn: Set<string>;
  stop(): Promise<void>;
}

async function post(options: TrafficOptions, kind: Outcome['kind'], form: Record<string, string>): Promise<Outcome> {
  const startedAt = performance.now();
  try {
    const response = await fetch(`${options.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: options.clientId, ...form }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    const body = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text };
    return { kind, status: response.status, startedAt, ms: performance.now() - startedAt, body, retryAfter: response.headers.get('retry-after') };
  } catch {
    return { kind, status: 0, startedAt, ms: performance.now() - startedAt, body: {}, retryAfter: null };
  }
}

export function startLoginTraffic(options: TrafficOptions): Traffic {
  const traffic = { outcomes: [] as Outcome[], chains: [] as Chain[], loggedIn: new Set<string>() };
  let running = true;
  let users = 0;

  async function login(worker: number): Promise<void> {
    // One in four logins is a returning user: the mapping of a known openid under the same faults.
    const user = users % 4 === 3 ? `user-${String(worker)}-0` : `user-${String(worker)}-${String(users)}`;
    users += 1;
    const outcome = await post(options, 'login', { grant_type: WECHAT_GRANT, code: options.code(user) });
    traffic.outcomes.push(outcome);
    if (outcome.status !== 200) return;
    traffic.loggedIn.add(user);
    const { refresh_token: refreshToken, access_token: accessToken, id_token: idToken } = outcome.body as Record<string, string>;
    traffic.chains.push({ user, refreshToken: refreshToken ?? '', tokens: [{ accessToken: accessToken ?? '', idToken: idToken ?? '' }], broken: false, busy: false });
  }

  async function refresh(chain: Chain): Promise<void> {
    chain.busy = true;
    const outcome = await post(options, 'refresh', { grant_type: 'refresh_token', refresh_token: chain.refreshToken });
    traffic.outcomes.push(outcome);
    if (outcome.status === 200) {
      const { refresh_token: refreshToken, access_token: accessToken, id_token: idToken } = outcome.body as Record<string, string>;
      chain.refreshToken = refreshToken ?? '';
      chain.tokens.push({ accessToken: accessToken ?? '', idToken: idToken ?? '' });
    } else {
      chain.broken = true;
    }
    chain.busy = false;
  }

  async function work(worker: number): Promise<void> {
    for (let step = 0; running; step += 1) {
      const idle = traffic.chains.filter((chain) => !chain.broken && !chain.busy);
      const chain = idle[Math.floor(Math.random() * idle.length)];
      const before = traffic.outcomes.length;
      if (step % 2 === 0 || chain === undefined) await login(worker);
      else await refresh(chain);
      // A client backs off a little after a failure rather than spinning.
      if (traffic.outcomes[before]?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const workers = Array.from({ length: options.workers ?? 4 }, (_, worker) => work(worker));
  return {
    ...traffic,
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}
