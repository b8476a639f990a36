/**
 * Micro-benchmark (not a test): JWS sign and verify per second with jose, for the algorithms
 * wxbridge signs with (ES256, RS256 with a 2048-bit key), on a token shaped like our access tokens.
 * It backs the choice of ES256 as the default signing algorithm (bench/README.md, docs/decisions/0012).
 *
 *   npx node bench/signing-algorithms.ts [--seconds 2] [--json]
 */
import { parseArgs } from 'node:util';
import { CompactSign, compactVerify, generateKeyPair } from 'jose';

export interface SigningCost {
  readonly alg: 'ES256' | 'RS256';
  readonly signPerSecond: number;
  readonly verifyPerSecond: number;
  /** Microseconds of one operation (1e6 / rate). */
  readonly signMicros: number;
  readonly verifyMicros: number;
}

const PAYLOAD = new TextEncoder().encode(JSON.stringify({
  iss: 'https://id.example.com', sub: '3f1c1a2e-7f55-4b53-9b3e-1f3c4a5b6c7d', aud: 'https://api.example.com',
  iat: 1_760_000_000, exp: 1_760_000_600, jti: 'x7VbQw4fQ2a9pZy1tN0sLm', client_id: 'shop-miniprogram', scope: 'openid profile orders:read',
}));

/** Runs `operation` back to back (one at a time, as one request would) for `seconds`; returns operations per second. */
async function rate(seconds: number, operation: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i += 1) await operation(); // warm-up: JIT and key caches
  let count = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i += 1) await operation();
    count += 50;
  }
  return count / ((performance.now() - started) / 1000);
}

export async function measureSigningCost(alg: 'ES256' | 'RS256', seconds: number): Promise<SigningCost> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048 });
  const header = { alg, typ: 'at+jwt', kid: 'bench' };
  const token = await new CompactSign(PAYLOAD).setProtectedHeader(header).sign(privateKey);
  const signPerSecond = await rate(seconds, () => new CompactSign(PAYLOAD).setProtectedHeader(header).sign(privateKey));
  const verifyPerSecond = await rate(seconds, () => compactVerify(token, publicKey));
  return { alg, signPerSecond, verifyPerSecond, signMicros: 1e6 / signPerSecond, verifyMicros: 1e6 / verifyPerSecond };
}

export async function measureSigningCosts(seconds: number): Promise<SigningCost[]> {
  return [await measureSigningCost('ES256', seconds), await measureSigningCost('RS256', seconds)];
}

export function formatSigningCosts(costs: readonly SigningCost[]): string {
  const lines = ['alg    | sign/s | verify/s | sign µs | verify µs', '-------|-------:|---------:|--------:|----------:'];
  for (const c of costs) {
    lines.push(`${c.alg.padEnd(6)} | ${c.signPerSecond.toFixed(0).padStart(6)} | ${c.verifyPerSecond.toFixed(0).padStart(8)} | ${c.signMicros.toFixed(1).padStart(7)} | ${c.verifyMicros.toFixed(1).padStart(9)}`);
  }
  return lines.join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, json: { type: 'boolean', default: false } } });
  const costs = await measureSigningCosts(Number(values.seconds));
  console.log(values.json ? JSON.stringify(costs) : formatSigningCosts(costs));
}
