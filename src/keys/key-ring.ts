/**
 * The signing keys one instance currently uses, reloaded from PostgreSQL so that a rotation made by
 * any instance or by the CLI reaches every running instance without a restart (design.md §5, §9).
 * A reload happens every interval and also right when a key is due to activate or leave the JWKS.
 */
import type { JSONWebKeySet } from 'jose';
import type { Logger } from '../logger.ts';
import { toPublicJwk, type KeyStore, type LoadedSigningKeys } from './key-store.ts';
import type { SigningAlgorithm } from './signing-algorithms.ts';

export interface KeyRing {
  current(): LoadedSigningKeys;
  activeKid(alg: SigningAlgorithm): string;
  /** The published JWKS (public parts only), in the order oidc-provider publishes it. */
  publicJwks(): JSONWebKeySet;
  /** Loads the keys again; listeners hear about it only when the set or a signer changed. */
  reload(): Promise<void>;
  onChange(listener: (keys: LoadedSigningKeys) => void): void;
}

const fingerprint = (keys: LoadedSigningKeys): string => `${keys.keys.map((key) => key.kid).join(',')}|${JSON.stringify(keys.activeKid)}`;

export async function createKeyRing(deps: { keyStore: Pick<KeyStore, 'load'> }): Promise<KeyRing> {
  let current = await deps.keyStore.load();
  let publicJwks: JSONWebKeySet = { keys: current.keys.map(toPublicJwk) };
  const listeners: ((keys: LoadedSigningKeys) => void)[] = [];
  return {
    current: () => current,
    activeKid: (alg) => current.activeKid[alg],
    publicJwks: () => publicJwks,
    async reload() {
      const loaded = await deps.keyStore.load();
      const changed = fingerprint(loaded) !== fingerprint(current);
      current = loaded;
      if (!changed) return;
      publicJwks = { keys: loaded.keys.map(toPublicJwk) };
      for (const listener of listeners) listener(loaded);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** Reloads every `intervalMs`, or sooner when the loaded set says a key changes state before then. */
export function scheduleKeyReload(deps: { ring: KeyRing; intervalMs: number; logger: Logger; now?: () => number }): { stop(): Promise<void> } {
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const plan = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const nextDelay = (): number => {
    const nextChange = deps.ring.current().nextChangeAt?.getTime();
    // +10 ms: wake up just after the instant, when the new state is already true.
    return nextChange === undefined ? deps.intervalMs : Math.min(deps.intervalMs, Math.max(0, nextChange - now()) + 10);
  };
  const tick = (): void => {
    running = deps.ring.reload().then(
      () => { plan(nextDelay()); },
      (error: unknown) => {
        // Keep serving with the keys we have; retry after a full interval, not in a tight loop.
        deps.logger.warn({ err: error }, 'signing key reload failed; keeping the current keys');
        plan(deps.intervalMs);
      },
    );
  };
  plan(nextDelay());
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
