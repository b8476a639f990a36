import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/wechat-simulator/wechat-simulator.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomName, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

describe('secrets in responses and logs (test-catalogue W-10, S-01)', () => {
  it('never shows the AppSecret, a session_key or a login code in any response, header or log line', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app, { openPlatformId: randomName('op') });
    const seen: string[] = [];
    const record = (status: number, headers: Headers, body: unknown): void => {
      seen.push(`${String(status)} ${JSON.stringify([...headers.entries()])} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    };
    mp.config[oidc.customFetch] = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      record(response.status, response.headers, await response.clone().text());
      return response;
    };
    const codes: string[] = [];
    const code = (user: string): string => {
      const issued = mp.code(user);
      codes.push(issued);
      return issued;
    };
    const post = async (form: Record<string, string>): Promise<void> => {
      const response = await mp.post(form);
      record(response.status, response.headers, response.body);
    };

    // Successful logins, refresh, userinfo, introspection, revocation.
    const users = ['kim', 'lee', 'max'];
    for (const user of users) {
      const tokens = await oidc.genericGrantRequest(mp.config, 'urn:wxbridge:params:oauth:grant-type:wechat-code', { code: code(user), scope: 'openid profile wechat offline_access' });
      const refreshed = await oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '');
      await oidc.fetchUserInfo(mp.config, refreshed.access_token, subOf(tokens));
      await oidc.tokenIntrospection(mp.config, refreshed.refresh_token ?? '');
      await oidc.tokenRevocation(mp.config, refreshed.refresh_token ?? '');
    }
    // Every failure path, including the ones logged loudly (our misconfiguration) and the reused code.
    const faults: Fault[] = [
      { kind: 'errcode', errcode: 40125 }, { kind: 'errcode', errcode: 40164 }, { kind: 'errcode', errcode: -1 },
      { kind: 'errcode', errcode: 40029 }, { kind: 'errcode', errcode: 45011 }, { kind: 'connection_reset' },
      { kind: 'non_json_body' }, { kind: 'burn_code_then', then: 'delay', ms: 1200 },
    ];
    for (const fault of faults) {
      app.wechat.injectFault({ ...fault, endpoint: 'jscode2session' });
      const failed = code('kim');
      await post({ code: failed });
      await post({ code: failed });
    }
    await post({ code: code('lee'), scope: 'openid phone' });
    await post({ code: `${code('lee')}\n` });

    const sessionKeys = users.map((user) => app.wechat.findSessionKey(mp.appId, user));
    const secrets = [mp.secret, ...sessionKeys.map(String), ...codes];
    expect(sessionKeys.every((key) => key !== null && key.length > 0)).toBe(true);
    expect(app.logs.some((line) => line.includes('"level":20'))).toBe(true); // debug lines were captured
    expect(app.logs.some((line) => line.includes('"level":50'))).toBe(true); // and the loud misconfiguration ones
    expect(seen.length).toBeGreaterThan(30);
    const everything = [...seen, ...app.logs].join('\n');
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])) {
        expect(everything.includes(form), `leaked ${secret.slice(0, 4)}…`).toBe(false);
      }
    }
  });

  it('keeps refresh and access tokens out of the logs', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('ned');
    const refreshed = await oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '');
    await oidc.tokenRevocation(mp.config, refreshed.refresh_token ?? '');
    await expect(oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });

    const logs = app.logs.join('\n');
    for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token, refreshed.access_token, refreshed.refresh_token]) {
      expect(token).toEqual(expect.any(String));
      expect(logs).not.toContain(token);
    }
  });
});
