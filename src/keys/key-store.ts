/**
 * Signing-key lifecycle (design.md §5): generate RS256 and ES256 keys on first start, store the
 * private JWK encrypted with the master key, and load the published set for oidc-provider with the
 * key that currently signs listed first for each algorithm.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithms.ts';
import type { SecretBox } from './secret-box.ts';
import { SigningKey } from './signing-key.entity.ts';

export interface PrivateJwk extends JWK { kid: string; alg: SigningAlgorithm; use: 'sig' }

export interface LoadedSigningKeys {
  /** Private JWKs to publish (public parts) and sign with; the active signer first per algorithm. */
  readonly keys: readonly PrivateJwk[];
  /** The kid that signs new tokens, per algorithm. */
  readonly activeKid: Readonly<Record<SigningAlgorithm, string>>;
}

export interface KeyStoreDeps {
  readonly em: () => EntityManager;
  readonly secretBox: SecretBox;
  readonly now?: () => Date;
}

export interface SigningKeyView {
  readonly kid: string;
  readonly alg: string;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
  readonly removeAfter: Date | null;
  /** pending: published, not signing yet; signing; retired: published until removeAfter; removed. */
  readonly state: 'pending' | 'signing' | 'retired' | 'removed';
}

export interface KeyStore {
  /** Every key with its lifecycle state, without decrypting anything. */
  list(): Promise<SigningKeyView[]>;
  /** Generates one key per algorithm when none exists; safe when several instances start at once. */
  ensureInitialKeys(): Promise<void>;
  load(): Promise<LoadedSigningKeys>;
  /** Creates a key for `alg` that is published now and signs from `activatesAt` on. */
  addKey(alg: SigningAlgorithm, activatesAt: Date): Promise<string>;
}

const associatedData = (kid: string): string => `signing_key:${kid}`;

export function createKeyStore(deps: KeyStoreDeps): KeyStore {
  const now = deps.now ?? (() => new Date());

  async function insertKey(em: EntityManager, alg: SigningAlgorithm, activatesAt: Date): Promise<string> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    const privateJwk: PrivateJwk = { ...jwk, kid, alg, use: 'sig' };
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    em.create(SigningKey, {
      kid,
      alg,
      publicJwk,
      privateJwkCiphertext: deps.secretBox.seal(JSON.stringify(privateJwk), associatedData(kid)),
      activatesAt,
      createdAt: now(),
    });
    await em.flush();
    return kid;
  }

  return {
    async list() {
      const rows = await deps.em().find(SigningKey, {}, { orderBy: { activatesAt: 'desc', kid: 'asc' } });
      const at = now();
      const signing = new Set(SIGNING_ALGORITHMS.map((alg) => rows.find((row) => row.alg === alg && isSigning(row, at))?.kid));
      return rows.map((row) => ({
        kid: row.kid, alg: row.alg, activatesAt: row.activatesAt, retiresAt: row.retiresAt ?? null, removeAfter: row.removeAfter ?? null,
        state: stateOf(row, at, signing.has(row.kid)),
      }));
    },

    async ensureInitialKeys() {
      await deps.em().transactional(async (em) => {
        // Serialise concurrent first starts: only one instance generates the initial keys.
        await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('wxbridge:signing_keys'))`, [], 'get', em.getTransactionContext());
        const existing = await em.find(SigningKey, {}, { fields: ['alg'] });
        const missing = SIGNING_ALGORITHMS.filter((alg) => !existing.some((key) => key.alg === alg));
        for (const alg of missing) await insertKey(em, alg, now());
      });
    },

    async load() {
      const rows = await deps.em().find(SigningKey, { $or: [{ removeAfter: null }, { removeAfter: { $gt: now() } }] }, { orderBy: { activatesAt: 'desc', kid: 'asc' } });
      return orderForSigning(rows.map((row) => toPrivateJwk(row, deps.secretBox)), rows, now());
    },

    async addKey(alg, activatesAt) {
      return insertKey(deps.em().fork(), alg, activatesAt);
    },
  };
}

function toPrivateJwk(row: SigningKey, secretBox: SecretBox): PrivateJwk {
  return JSON.parse(secretBox.open(row.privateJwkCiphertext, associatedData(row.kid))) as PrivateJwk;
}

function isSigning(row: SigningKey, at: Date): boolean {
  return row.activatesAt <= at && (row.retiresAt === null || row.retiresAt === undefined || row.retiresAt > at);
}

function stateOf(row: SigningKey, at: Date, signing: boolean): SigningKeyView['state'] {
  if (row.removeAfter !== null && row.removeAfter !== undefined && row.removeAfter <= at) return 'removed';
  if (signing) return 'signing';
  return row.activatesAt > at ? 'pending' : 'retired';
}

/** Active signer per algorithm: the newest key already active and not retired. */
function orderForSigning(jwks: PrivateJwk[], rows: SigningKey[], at: Date): LoadedSigningKeys {
  const activeKid: Partial<Record<SigningAlgorithm, string>> = {};
  for (const row of rows) {
    const alg = row.alg as SigningAlgorithm;
    if (isSigning(row, at) && activeKid[alg] === undefined) activeKid[alg] = row.kid;
  }
  for (const alg of SIGNING_ALGORITHMS) {
    if (activeKid[alg] === undefined) throw new Error(`no active ${alg} signing key; run with an initialised database`);
  }
  const active = new Set(Object.values(activeKid));
  const keys = [...jwks.filter((jwk) => active.has(jwk.kid)), ...jwks.filter((jwk) => !active.has(jwk.kid))];
  return { keys, activeKid: activeKid as Record<SigningAlgorithm, string> };
}
