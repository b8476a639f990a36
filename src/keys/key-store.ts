/**
 * Signing-key storage (design.md §5): generate RS256 and ES256 keys, store the private JWK
 * encrypted with the master key, rotate (publish now, sign later, retire the old key once its
 * tokens have expired), and load the published set with each algorithm's signer first.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { activeKids, nextChangeAfter, removalTime, stateOf, type KeyState } from './key-lifecycle.ts';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithms.ts';
import type { SecretBox } from './secret-box.ts';
import { SigningKey } from './signing-key.entity.ts';

export interface PrivateJwk extends JWK { kid: string; alg: SigningAlgorithm; use: 'sig' }

export interface LoadedSigningKeys {
  /** Private JWKs to publish (public parts) and sign with; the active signer first per algorithm. */
  readonly keys: readonly PrivateJwk[];
  /** The kid that signs new tokens, per algorithm. */
  readonly activeKid: Readonly<Record<SigningAlgorithm, string>>;
  /** When the set changes next by itself (a pending key activates, a retired key leaves). */
  readonly nextChangeAt: Date | null;
}

export interface SigningKeyView {
  readonly kid: string;
  readonly alg: string;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
  readonly removeAfter: Date | null;
  /** When the key was generated and published in the JWKS (a rotated-in key is pending from then on; its age on the Overview). */
  readonly createdAt: Date;
  /** pending: published, not signing yet; signing; retired: published until removeAfter; removed. */
  readonly state: KeyState;
}

export interface RotationInput {
  /** Seconds between publication and first signature (default policy: 1 h). */
  readonly delaySeconds: number;
  /** The longest lifetime of a token any key signs (access and ID tokens). */
  readonly longestTokenTtlSeconds: number;
  readonly leewaySeconds: number;
  readonly algs?: readonly SigningAlgorithm[] | undefined;
}

export interface KeyStore {
  /** Every key with its lifecycle state, without decrypting anything. */
  list(): Promise<SigningKeyView[]>;
  /** Generates one key per algorithm when none exists; safe when several instances start at once. */
  ensureInitialKeys(): Promise<void>;
  load(): Promise<LoadedSigningKeys>;
  /** Adds one key, published now and signing from `activatesAt`, without retiring any (low level: prefer rotate). */
  addKey(alg: SigningAlgorithm, activatesAt: Date): Promise<string>;
  /** Adds a new key per algorithm, published now, signing from now + delay; retires the current ones then. */
  rotate(input: RotationInput): Promise<SigningKeyView[]>;
}

const associatedData = (kid: string): string => `signing_key:${kid}`;
const toTimes = (row: SigningKey) => ({ kid: row.kid, alg: row.alg, activatesAt: row.activatesAt, retiresAt: row.retiresAt ?? null, removeAfter: row.removeAfter ?? null });

/** Serialises key generation and rotation across instances and the CLI. */
async function lockKeys(em: EntityManager): Promise<void> {
  await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('wxbridge:signing_keys'))`, [], 'get', em.getTransactionContext());
}

export function createKeyStore(deps: { em: () => EntityManager; secretBox: SecretBox; now?: () => Date }): KeyStore {
  const now = deps.now ?? (() => new Date());

  async function insertKey(em: EntityManager, alg: SigningAlgorithm, activatesAt: Date): Promise<SigningKey> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    const privateJwk: PrivateJwk = { ...jwk, kid, alg, use: 'sig' };
    return em.create(SigningKey, {
      kid, alg, publicJwk: toPublicJwk(privateJwk), activatesAt, createdAt: now(),
      privateJwkCiphertext: deps.secretBox.seal(JSON.stringify(privateJwk), associatedData(kid)),
    });
  }

  function view(rows: readonly SigningKey[], at: Date): SigningKeyView[] {
    const signing = new Set(Object.values(activeKids(rows.map(toTimes), at)));
    return rows.map((row) => ({ ...toTimes(row), createdAt: row.createdAt, state: stateOf(toTimes(row), at, signing) }));
  }

  async function list(): Promise<SigningKeyView[]> {
    const rows = await deps.em().find(SigningKey, {}, { orderBy: { activatesAt: 'desc', kid: 'asc' } });
    return view(rows, now());
  }

  return {
    list,

    async ensureInitialKeys() {
      await deps.em().transactional(async (em) => {
        await lockKeys(em);
        const existing = await em.find(SigningKey, {}, { fields: ['alg'] });
        const missing = SIGNING_ALGORITHMS.filter((alg) => !existing.some((key) => key.alg === alg));
        for (const alg of missing) await insertKey(em, alg, now());
        await em.flush();
      });
    },

    async load() {
      const at = now();
      const rows = await deps.em().find(SigningKey, { $or: [{ removeAfter: null }, { removeAfter: { $gt: at } }] }, { orderBy: { activatesAt: 'desc', kid: 'asc' } });
      const activeKid = activeKids(rows.map(toTimes), at);
      for (const alg of SIGNING_ALGORITHMS) {
        if (activeKid[alg] === undefined) throw new Error(`no active ${alg} signing key; run with an initialised database`);
      }
      const jwks = rows.map((row) => JSON.parse(deps.secretBox.open(row.privateJwkCiphertext, associatedData(row.kid))) as PrivateJwk);
      // oidc-provider signs ID tokens with the first key matching the algorithm: signers go first.
      const active = new Set(Object.values(activeKid));
      const keys = [...jwks.filter((jwk) => active.has(jwk.kid)), ...jwks.filter((jwk) => !active.has(jwk.kid))];
      return { keys, activeKid: activeKid as Record<SigningAlgorithm, string>, nextChangeAt: nextChangeAfter(rows.map(toTimes), at) };
    },

    async addKey(alg, activatesAt) {
      const em = deps.em().fork();
      const row = await insertKey(em, alg, activatesAt);
      await em.flush();
      return row.kid;
    },

    async rotate(input) {
      const created = await deps.em().transactional(async (em) => {
        await lockKeys(em);
        const activatesAt = new Date(now().getTime() + input.delaySeconds * 1000);
        const fresh: SigningKey[] = [];
        for (const alg of input.algs ?? SIGNING_ALGORITHMS) {
          // Every key of the algorithm not yet retired stops signing when the new key starts (a
          // still-pending key from an earlier rotation is superseded and never signs).
          for (const row of await em.find(SigningKey, { alg, retiresAt: null })) {
            row.retiresAt = row.activatesAt > activatesAt ? row.activatesAt : activatesAt;
            row.removeAfter = removalTime(row.retiresAt, input.longestTokenTtlSeconds, input.leewaySeconds);
          }
          fresh.push(await insertKey(em, alg, activatesAt));
        }
        await em.flush();
        return fresh.map((row) => row.kid);
      });
      return (await list()).filter((key) => created.includes(key.kid));
    },
  };
}

export function toPublicJwk(jwk: PrivateJwk): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...publicJwk } = jwk as PrivateJwk & { oth?: unknown };
  return publicJwk;
}
