// The simulator's getuserphonenumber (wechat-api.md §5.1, §14 item 14): body rules, single-use 64-hex codes
// bound to one app, the phone_info shape, and the optional openid binding check.
import { describe, expect, it } from 'vitest';
import { getPhoneNumber, json, stableToken, tokenOf } from './app-token-helpers.ts';
import { BOUND_MINI, getRaw, MINI, ridSeconds, startSimulator } from './simulator-fixture.ts';

describe('POST /wxa/business/getuserphonenumber (item 14)', () => {
  it('answers phone_info with a string countryCode and a watermark of the app, errcode 0 first', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const phone = t.sim.issuePhoneCode({ appId: MINI.appId, user: 'alice', phoneNumber: '18339907936' });
    t.advance(5_000);

    const response = await getPhoneNumber(t, token, JSON.stringify({ code: phone.code }));

    expect(phone.code).toMatch(/^[0-9a-f]{64}$/);
    const timestamp = Math.floor((t.now() - 5_000) / 1000);
    expect(response.raw).toBe(
      `{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"18339907936","purePhoneNumber":"18339907936","countryCode":"86","watermark":{"timestamp":${String(timestamp)},"appid":"${MINI.appId}"}}}`,
    );
  });

  it('prefixes phoneNumber with the country code for a non-mainland number', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const phone = t.sim.issuePhoneCode({ appId: MINI.appId, user: 'bob', phoneNumber: '61234567', countryCode: '852' });
    const info = json(await getPhoneNumber(t, token, JSON.stringify({ code: phone.code })))['phone_info'];
    expect(info).toMatchObject({ phoneNumber: '+85261234567', purePhoneNumber: '61234567', countryCode: '852' });
  });

  it('answers 40029 in the `hint: [...] rid:` style to a used, expired, foreign, login or unknown code', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const used = t.sim.issuePhoneCode({ appId: MINI.appId, user: 'carol' }).code;
    await getPhoneNumber(t, token, JSON.stringify({ code: used }));
    const expired = t.sim.issuePhoneCode({ appId: MINI.appId, user: 'carol' }).code;
    const foreign = t.sim.issuePhoneCode({ appId: BOUND_MINI.appId, user: 'carol' }).code;
    const login = t.sim.issueCode({ appId: MINI.appId, user: 'carol' });
    t.advance(300_001);
    const fresh = await tokenOf(stableToken(t, MINI));
    for (const code of [used, expired, foreign, login, 'f'.repeat(64)]) {
      const response = await getPhoneNumber(t, fresh, JSON.stringify({ code }));
      expect(response.raw).toMatch(new RegExp(`^\\{"errcode":40029,"errmsg":"invalid code hint: \\[[\\w-]+\\] rid: ${ridSeconds(t)}-[0-9a-f]{8}-[0-9a-f]{8}"\\}$`));
    }
  });

  it('answers 44002 to an empty body and 47001 to a form body or a misspelt key', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    expect(json(await getPhoneNumber(t, token, ''))['errcode']).toBe(44002);
    expect(json(await getPhoneNumber(t, token, 'code=abc'))['errcode']).toBe(47001);
    expect(json(await getPhoneNumber(t, token, '{"code ":"abc"}'))['errcode']).toBe(47001);
    const viaGet = await getRaw(`${t.url}/wxa/business/getuserphonenumber?access_token=${token}`);
    expect(json(viaGet)['errcode']).toBe(43002);
  });

  it('checks the code against an openid when one is sent, leaving the code usable after a mismatch', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const phone = t.sim.issuePhoneCode({ appId: MINI.appId, user: 'dave' });
    const wrong = await getPhoneNumber(t, token, JSON.stringify({ code: phone.code, openid: t.sim.openIdOf(MINI.appId, 'erin') }));
    const right = await getPhoneNumber(t, token, JSON.stringify({ code: phone.code, openid: t.sim.openIdOf(MINI.appId, 'dave') }));
    expect(json(wrong)['errcode']).toBe(40029);
    expect(json(right)).toMatchObject({ errcode: 0, phone_info: { purePhoneNumber: phone.purePhoneNumber } });
  });

  it('mints phone codes through the control API', async () => {
    const t = await startSimulator();
    const response = await fetch(`${t.url}/__simulator/phone-codes`, {
      method: 'POST',
      body: JSON.stringify({ appId: MINI.appId, user: 'frank', phoneNumber: '13580006666' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ code: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86' });
  });
});
