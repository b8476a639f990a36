/**
 * The provider signs with the keys in PostgreSQL, and follows rotations made anywhere (design.md §5,
 * §9): the first start creates the initial keys, then every instance reloads them on a schedule and
 * swaps oidc-provider's keystore and published JWKS in one step.
 */
import type Provider from 'oidc-provider';
import type { Clock } from '../clock.ts';
import { createKeyRing, scheduleKeyReload, type KeyRing } from '../keys/key-ring.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { Logger } from '../logger.ts';
import { replaceSigningKeys } from './oidc-provider-seam.ts';

/** Ensures the initial keys exist (under an advisory lock: one instance creates them) and loads them. */
export async function loadSigningKeys(keyStore: Pick<KeyStore, 'ensureInitialKeys' | 'load'>): Promise<KeyRing> {
  await keyStore.ensureInitialKeys();
  return createKeyRing({ keyStore });
}

/** Reloads the ring every `intervalMs` (sooner when a key changes state) and hands changes to the provider. */
export function followSigningKeys(deps: { provider: Provider; keyRing: KeyRing; intervalMs: number; logger: Logger; clock: Clock }): { stop(): Promise<void> } {
  deps.keyRing.onChange((keys) => {
    replaceSigningKeys(deps.provider, keys.keys);
    deps.logger.info({ kids: keys.keys.map((key) => key.kid), signing: keys.activeKid }, 'signing keys reloaded');
  });
  return scheduleKeyReload({ ring: deps.keyRing, intervalMs: deps.intervalMs, logger: deps.logger, now: () => deps.clock.now() });
}
