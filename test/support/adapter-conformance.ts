/**
 * The oidc-provider Adapter contract as a shared conformance suite (house-style §9, in the style
 * of Kratos's TestPool): run against our PostgreSQL adapter and, as a reference, oidc-provider's
 * in-memory adapter, so that a behaviour we rely on is one the library itself exhibits.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Adapter, AdapterPayload } from 'oidc-provider';

export interface AdapterUnderTest {
  /** The `adapter` option of oidc-provider: one Adapter per model name. */
  readonly factory: (model: string) => Adapter;
  /** Whether consume() is atomic: of concurrent consumes exactly one succeeds, the rest reject. */
  readonly atomicConsume: boolean;
  /** Moves the adapter's notion of time `ms` ahead (never by sleeping). */
  readonly advanceClock: (ms: number) => void;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function token(kind: string, extra: Partial<AdapterPayload> = {}): { id: string; payload: AdapterPayload } {
  const id = randomUUID();
  return { id, payload: { jti: id, kind, accountId: 'account-1', clientId: 'client-1', iat: nowSeconds(), ...extra } };
}

export function describeAdapterConformance(name: string, subject: AdapterUnderTest): void {
  const adapter = (model: string): Adapter => subject.factory(model);

  describe(`oidc-provider Adapter contract: ${name}`, () => {
    it('finds what was upserted', async () => {
      const { id, payload } = token('AccessToken', { scope: 'openid profile', extra: { nested: [1, 'two'] } });
      await adapter('AccessToken').upsert(id, payload, 600);
      expect(await adapter('AccessToken').find(id)).toEqual(payload);
    });

    it('finds nothing for an id never stored', async () => {
      expect(await adapter('AccessToken').find(randomUUID())).toBeUndefined();
    });

    it('keeps models apart: the same id in another model is another record', async () => {
      const { id, payload } = token('AccessToken');
      await adapter('AccessToken').upsert(id, payload, 600);
      expect(await adapter('RefreshToken').find(id)).toBeUndefined();
    });

    it('replaces the payload on a second upsert of the same id', async () => {
      const { id, payload } = token('Session', { uid: randomUUID() });
      await adapter('Session').upsert(id, payload, 600);
      const replaced = { ...payload, accountId: 'account-2', loginTs: nowSeconds() };
      await adapter('Session').upsert(id, replaced, 600);
      expect(await adapter('Session').find(id)).toEqual(replaced);
    });

    it('stops returning a payload once it has expired', async () => {
      const { id, payload } = token('AccessToken');
      await adapter('AccessToken').upsert(id, payload, 1);
      expect(await adapter('AccessToken').find(id)).toEqual(payload);
      subject.advanceClock(1100);
      expect(await adapter('AccessToken').find(id)).toBeUndefined();
    });

    it('marks a consumed payload with the time it was consumed', async () => {
      const { id, payload } = token('AuthorizationCode', { grantId: randomUUID() });
      await adapter('AuthorizationCode').upsert(id, payload, 60);
      await adapter('AuthorizationCode').consume(id);
      const found = await adapter('AuthorizationCode').find(id);
      expect(found).toMatchObject({ ...payload, consumed: expect.any(Number) });
      expect(Math.abs((found?.consumed as number) - nowSeconds())).toBeLessThanOrEqual(60);
    });

    it.skipIf(!subject.atomicConsume)('lets exactly one of 20 concurrent consumes succeed; the others get invalid_grant', async () => {
      const { id, payload } = token('RefreshToken', { grantId: randomUUID() });
      await adapter('RefreshToken').upsert(id, payload, 600);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => adapter('RefreshToken').consume(id)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(rejected).toHaveLength(19);
      for (const { reason } of rejected) expect(reason).toMatchObject({ error: 'invalid_grant', statusCode: 400 });
    });

    it('forgets a destroyed payload', async () => {
      const { id, payload } = token('AccessToken');
      await adapter('AccessToken').upsert(id, payload, 600);
      await adapter('AccessToken').destroy(id);
      expect(await adapter('AccessToken').find(id)).toBeUndefined();
    });

    it('revokes every token of a grant and nothing of another grant', async () => {
      const [revoked, kept] = [randomUUID(), randomUUID()];
      const access = token('AccessToken', { grantId: revoked });
      const refresh = token('RefreshToken', { grantId: revoked });
      const other = token('AccessToken', { grantId: kept });
      await adapter('AccessToken').upsert(access.id, access.payload, 600);
      await adapter('RefreshToken').upsert(refresh.id, refresh.payload, 600);
      await adapter('AccessToken').upsert(other.id, other.payload, 600);
      await adapter('AccessToken').revokeByGrantId(revoked);
      expect(await adapter('AccessToken').find(access.id)).toBeUndefined();
      expect(await adapter('RefreshToken').find(refresh.id)).toBeUndefined();
      expect(await adapter('AccessToken').find(other.id)).toEqual(other.payload);
    });

    it('finds a session by its uid', async () => {
      const { id, payload } = token('Session', { uid: randomUUID() });
      await adapter('Session').upsert(id, payload, 600);
      expect(await adapter('Session').findByUid(payload.uid as string)).toEqual(payload);
      expect(await adapter('Session').findByUid(randomUUID())).toBeUndefined();
    });

    it('finds a device code by its user code', async () => {
      const { id, payload } = token('DeviceCode', { userCode: `UC-${randomUUID().slice(0, 8)}`, deviceInfo: { ip: '127.0.0.1' } });
      await adapter('DeviceCode').upsert(id, payload, 600);
      expect(await adapter('DeviceCode').findByUserCode(payload.userCode as string)).toEqual(payload);
      expect(await adapter('DeviceCode').findByUserCode('UC-unknown')).toBeUndefined();
    });
  });
}
