import { describe, expect, it } from 'vitest';
import { SANDBOX_APP_ID, SANDBOX_APP_IDS } from './sandbox.ts';
import { decideSandbox } from './sandbox-decision.ts';

const apps = (...appIds: string[]) => () => Promise.resolve(appIds);

describe('decideSandbox (design.md §7)', () => {
  it('follows an explicit WXBRIDGE_SANDBOX', async () => {
    expect(await decideSandbox({ env: 'development', sandbox: 'on' }, apps('wx0000000000000001'))).toMatchObject({ on: true });
    expect(await decideSandbox({ env: 'development', sandbox: 'off' }, apps())).toMatchObject({ on: false });
  });

  it('is on in auto mode while no real WeChat app is configured (the sandbox app does not count)', async () => {
    expect(await decideSandbox({ env: 'development', sandbox: 'auto' }, apps())).toMatchObject({ on: true });
    expect(await decideSandbox({ env: 'development', sandbox: 'auto' }, apps(SANDBOX_APP_ID))).toMatchObject({ on: true });
    // The demo website app and official account seeded for browser sign-in (issue 13 #5) do not count either.
    expect(await decideSandbox({ env: 'development', sandbox: 'auto' }, apps(...SANDBOX_APP_IDS))).toMatchObject({ on: true });
    expect(await decideSandbox({ env: 'development', sandbox: 'auto' }, apps(SANDBOX_APP_ID, 'wx0000000000000001')))
      .toEqual({ on: false, reason: expect.stringMatching(/^WeChat app wx0000000000000001 is configured .*WXBRIDGE_SANDBOX=1 keeps it on/) });
  });

  it('is never on in auto mode in production', async () => {
    expect(await decideSandbox({ env: 'production', sandbox: 'auto' }, apps())).toEqual({ on: false, reason: expect.stringContaining('NODE_ENV=production') });
  });
});
