/**
 * The floor (issue 16: "why it cannot move on this machine"): the same token requests as wxbridge, doing
 * the same irreducible work, with no framework — node:http, pg, jose, nothing else. A login claims its
 * code once, calls the WeChat simulator, writes the identity (session key sealed, AES-256-GCM), writes the
 * grant and refresh token in one statement, signs an access token and an ID token (ES256) and answers; a
 * refresh reads its token with the grant, spends it and writes the next one in one statement, reads the
 * account and signs two tokens; client_credentials checks a hashed secret and signs one. Audit rows are
 * batched, as wxbridge's are. What wxbridge costs above this is framework and its own checks; what this
 * costs is what a login costs on this machine whatever serves it.
 *
 *   node <npm start's flags> bench/floor-server.ts      (bench/run.ts --floor starts it)
 * Environment: PORT, WXBRIDGE_WORKERS (as bench/processes.ts starts wxbridge), DATABASE_URL, FLOOR_WECHAT_URL, FLOOR_APP_ID, FLOOR_APP_SECRET,
 * FLOOR_SERVICE_CLIENT, FLOOR_SERVICE_SECRET, FLOOR_ISSUER.
 */
import cluster from 'node:cluster';
import { createCipheriv, createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import querystring from 'node:querystring';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`floor-server: ${name} is required`);
  return value;
};

const SCHEMA = `
  create table if not exists floor_codes (code text primary key, claimed_at timestamptz not null);
  create table if not exists floor_identities (openid text primary key, account_id uuid not null, session_key text not null, last_login_at timestamptz not null);
  create table if not exists floor_payloads (id text primary key, kind text not null, grant_id text, payload jsonb not null, expires_at timestamptz not null, consumed_at timestamptz);
  create table if not exists floor_audit (id bigserial primary key, action text not null, client_id text, account_id uuid, outcome text not null, at timestamptz not null);
  create table if not exists floor_keys (kid text primary key, private_jwk jsonb not null);`;

const STATEMENTS = {
  claimCode: { name: 'floor_claim', text: 'insert into floor_codes (code, claimed_at) values ($1, now()) on conflict do nothing returning code' },
  identity: {
    name: 'floor_identity',
    text: `insert into floor_identities (openid, account_id, session_key, last_login_at) values ($1, $2, $3, now())
           on conflict (openid) do update set session_key = excluded.session_key, last_login_at = excluded.last_login_at returning account_id`,
  },
  grantAndToken: {
    name: 'floor_grant',
    text: `insert into floor_payloads (id, kind, grant_id, payload, expires_at) values
           ($1, 'Grant', $1, $2, now() + interval '14 days'), ($3, 'RefreshToken', $1, $4, now() + interval '14 days')`,
  },
  tokenWithGrant: {
    name: 'floor_token',
    text: `select t.payload, t.consumed_at, g.payload as grant from floor_payloads t join floor_payloads g on g.id = t.grant_id
           where t.id = $1 and t.kind = 'RefreshToken'`,
  },
  rotate: {
    name: 'floor_rotate',
    text: `with spent as (update floor_payloads set consumed_at = now() where id = $1 and consumed_at is null returning grant_id)
           insert into floor_payloads (id, kind, grant_id, payload, expires_at) select $2, 'RefreshToken', grant_id, $3, now() + interval '14 days' from spent returning id`,
  },
  account: { name: 'floor_account', text: 'select account_id, last_login_at from floor_identities where account_id = $1 limit 1' },
} as const;

async function primary(): Promise<void> {
  const client = new pg.Client({ connectionString: env('DATABASE_URL') });
  await client.connect();
  await client.query(SCHEMA);
  // One ES256 key shared by every worker, as wxbridge's signing keys are.
  if ((await client.query('select 1 from floor_keys')).rowCount === 0) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    await client.query('insert into floor_keys (kid, private_jwk) values ($1, $2)', [randomUUID(), await exportJWK(privateKey)]);
  }
  await client.end();
  const workers = Number(process.env['WXBRIDGE_WORKERS'] ?? '1');
  if (workers <= 1) { await serve(); return; }
  for (let i = 0; i < workers; i += 1) cluster.fork();
  process.on('SIGTERM', () => { for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM'); process.exit(0); });
}

async function serve(): Promise<void> {
  const issuer = env('FLOOR_ISSUER');
  const wechatUrl = env('FLOOR_WECHAT_URL');
  const appId = env('FLOOR_APP_ID');
  const appSecret = env('FLOOR_APP_SECRET');
  const serviceClient = env('FLOOR_SERVICE_CLIENT');
  const serviceSecretHash = createHash('sha256').update(env('FLOOR_SERVICE_SECRET')).digest();
  const sealKey = randomBytes(32);
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
  const keyRow = (await pool.query<{ kid: string; private_jwk: JWK }>('select kid, private_jwk from floor_keys limit 1')).rows[0];
  if (keyRow === undefined) throw new Error('floor-server: no key');
  const key = await importJWK(keyRow.private_jwk, 'ES256');
  const { d: _private, ...publicJwk } = keyRow.private_jwk;
  const jwks = Buffer.from(JSON.stringify({ keys: [{ ...publicJwk, kid: keyRow.kid, alg: 'ES256', use: 'sig' }] }));
  const discovery = Buffer.from(JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));

  const audit: unknown[][] = [];
  const flushAudit = (): void => {
    const rows = audit.splice(0);
    if (rows.length === 0) return;
    const values = rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, now())`).join(', ');
    pool.query(`insert into floor_audit (action, client_id, account_id, outcome, at) values ${values}`, rows.flat()).catch((error: unknown) => { console.error(error); });
  };
  setInterval(flushAudit, 100).unref();
  const record = (action: string, clientId: string, accountId: string | null): void => {
    audit.push([action, clientId, accountId, 'success']);
    if (audit.length >= 50) flushAudit();
  };

  const sign = (claims: Record<string, unknown>, type: string, audience: string, subject: string): Promise<string> =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: keyRow.kid, typ: type }).setIssuer(issuer).setAudience(audience)
      .setSubject(subject).setIssuedAt().setExpirationTime('5m').setJti(randomUUID()).sign(key);
  const seal = (text: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
    const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${iv.toString('base64url')}.${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  };
  const tokensFor = async (accountId: string, clientId: string, scope: string, resource: string, withIdToken: boolean): Promise<Record<string, unknown>> => {
    const accessToken = await sign({ client_id: clientId, scope }, 'at+jwt', resource, accountId);
    const idToken = withIdToken ? await sign({ azp: clientId, auth_time: Math.floor(Date.now() / 1000) }, 'JWT', clientId, accountId) : undefined;
    return { access_token: accessToken, expires_in: 300, token_type: 'Bearer', scope, ...(idToken === undefined ? {} : { id_token: idToken }) };
  };
  const payloadOf = (kind: string, fields: Record<string, unknown>): string => JSON.stringify({
    kind, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 1_209_600, ...fields,
  });

  const login = async (form: querystring.ParsedUrlQuery): Promise<[number, unknown]> => {
    const code = String(form['code'] ?? '');
    const clientId = String(form['client_id'] ?? '');
    if ((await pool.query({ ...STATEMENTS.claimCode, values: [code] })).rowCount === 0) return [400, { error: 'invalid_grant' }];
    const response = await fetch(`${wechatUrl}/sns/jscode2session?${new URLSearchParams({ appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code' }).toString()}`);
    const session = JSON.parse(await response.text()) as { openid?: string; session_key?: string; errcode?: number };
    if (session.openid === undefined || session.session_key === undefined) return [400, { error: 'invalid_grant', error_description: String(session.errcode) }];
    const identity = await pool.query<{ account_id: string }>({ ...STATEMENTS.identity, values: [session.openid, randomUUID(), seal(session.session_key)] });
    const accountId = identity.rows[0]?.account_id ?? '';
    const scope = String(form['scope'] ?? '');
    const resource = String(form['resource'] ?? '');
    const grantId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await pool.query({
      ...STATEMENTS.grantAndToken,
      values: [grantId, payloadOf('Grant', { accountId, clientId, openid: { scope }, resources: { [resource]: scope } }),
        createHash('sha256').update(refreshToken).digest('base64url'), payloadOf('RefreshToken', { accountId, clientId, grantId, scope, resource, gty: 'wechat' })],
    });
    record('login.wechat_code', clientId, accountId);
    return [200, { ...(await tokensFor(accountId, clientId, scope, resource, true)), refresh_token: refreshToken }];
  };

  const refresh = async (form: querystring.ParsedUrlQuery): Promise<[number, unknown]> => {
    const presented = createHash('sha256').update(String(form['refresh_token'] ?? '')).digest('base64url');
    const found = (await pool.query<{ payload: { accountId: string; clientId: string; scope: string; resource: string; grantId: string }; consumed_at: Date | null }>({ ...STATEMENTS.tokenWithGrant, values: [presented] })).rows[0];
    if (found === undefined || found.consumed_at !== null) return [400, { error: 'invalid_grant' }];
    const next = randomBytes(32).toString('base64url');
    const { accountId, clientId, scope, resource, grantId } = found.payload;
    const rotated = await pool.query({ ...STATEMENTS.rotate, values: [presented, createHash('sha256').update(next).digest('base64url'), payloadOf('RefreshToken', { accountId, clientId, grantId, scope, resource, gty: 'refresh_token' })] });
    if (rotated.rowCount === 0) return [400, { error: 'invalid_grant' }];
    await pool.query({ ...STATEMENTS.account, values: [accountId] });
    record('token.refresh', clientId, accountId);
    return [200, { ...(await tokensFor(accountId, clientId, scope, resource, true)), refresh_token: next }];
  };

  const clientCredentials = async (authorization: string | undefined): Promise<[number, unknown]> => {
    const [id, secret] = Buffer.from((authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const hash = createHash('sha256').update(secret ?? '').digest();
    if (id !== serviceClient || !timingSafeEqual(hash, serviceSecretHash)) return [401, { error: 'invalid_client' }];
    record('token.client_credentials', id, null);
    return [200, await tokensFor(id, id, 'read', 'https://api.bench.test', false)];
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, body: Buffer | string, type = 'application/json; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/jwks') { send(200, jwks, 'application/jwk-set+json; charset=utf-8'); return; }
    if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') { send(200, discovery); return; }
    if (req.method !== 'POST' || req.url !== '/token') { send(404, '{"error":"not_found"}'); return; }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = querystring.parse(Buffer.concat(chunks).toString('utf8'));
      const grant = String(form['grant_type'] ?? '');
      const answer = grant === 'refresh_token' ? refresh(form)
        : grant === 'client_credentials' ? clientCredentials(req.headers.authorization)
          : grant.startsWith('urn:') ? login(form) : Promise.resolve<[number, unknown]>([400, { error: 'unsupported_grant_type' }]);
      answer.then(([status, body]) => { send(status, JSON.stringify(body)); }, (error: unknown) => { console.error(error); send(500, '{"error":"server_error"}'); });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(env('PORT')), '127.0.0.1');
  process.on('SIGTERM', () => { server.close(); void pool.end().finally(() => process.exit(0)); });
}

if (cluster.isPrimary) await primary();
else await serve();
