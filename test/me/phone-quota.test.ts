// Issue 17 item 6: WeChat's paid phone-number component has a quota per app (wechat-api.md §5.1); when
// getuserphonenumber answers that it is used up (45009 there), the client gets a distinct error —
// `phone_quota_exhausted` — and the operator an audit entry, instead of a generic server_error.
import { describe, expect, it } from 'vitest';
import { scrape, valueOf } from '../support/prometheus-text.ts';
import { startTestApp } from '../support/test-app.ts';
import { countLoginRows } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn } from './me-fixtures.ts';

const quotaUsedUp = { kind: 'errcode', errcode: 45009, endpoint: 'getuserphonenumber' } as const;

describe('phone-number quota used up (issue 17 #6)', () => {
  it('answers POST /me/phone with 403 phone_quota_exhausted, stores nothing, and audits it', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'cai');
    app.wechat.injectFault(quotaUsedUp);

    const response = await callMe(app, 'POST', '/me/phone', { token: user.accessToken, body: { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'cai' }).code } });

    expect(response).toMatchObject({ status: 403, body: { error: 'phone_quota_exhausted', error_description: expect.stringContaining('quota') as unknown } });
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect((await callMe(app, 'GET', '/me/export', { token: user.accessToken })).body).toMatchObject({ account: { phoneNumber: null } });
    await expect.poll(async () => (await app.admin.audit.query({ action: 'account.phone_quota_exhausted', limit: 5 })).items
      .map((e) => [e.outcome, e.reason, e.clientId, e.target]), { timeout: 15_000 }).toEqual([['failure', 'phone.quota_exhausted', mp.clientId, mp.appId]]);
  });

  it('fails a login with phone_code with 400 phone_quota_exhausted (not invalid_grant or server_error), nothing stored', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const before = await countLoginRows(app);
    app.wechat.injectFault(quotaUsedUp);

    const response = await mp.post({ code: mp.code('dai'), scope: 'openid phone', phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'dai' }).code });

    expect(response).toMatchObject({ status: 400, body: { error: 'phone_quota_exhausted', error_description: expect.stringContaining('without phone_code') as unknown } });
    expect(await countLoginRows(app)).toEqual(before);
    // The advice works: the same user logs in without the phone code.
    expect((await signIn(mp, 'dai', 'openid phone')).sub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts each refusal in wxbridge_phone_quota_exhausted_total for the operator, at /me/phone and at login', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    const metricsUrl = app.metricsUrl() ?? '';
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'fan');
    const before = valueOf((await scrape(metricsUrl)).samples, 'wxbridge_phone_quota_exhausted_total');
    app.wechat.injectFault(quotaUsedUp);
    await callMe(app, 'POST', '/me/phone', { token: user.accessToken, body: { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'fan' }).code } });
    app.wechat.injectFault(quotaUsedUp);
    await mp.post({ code: mp.code('gu'), scope: 'openid phone', phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'gu' }).code });

    expect(before).toBe(0);
    expect(valueOf((await scrape(metricsUrl)).samples, 'wxbridge_phone_quota_exhausted_total')).toBe(2);
  });
});
