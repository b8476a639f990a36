import { describe, expect, it } from 'vitest';
import { isSandboxWanted, SANDBOX_APP_ID } from './sandbox.ts';

const apps = (...appIds: string[]) => () => Promise.resolve(appIds);

describe('isSandboxWanted (design.md §7)', () => {
  it('follows an explicit WXBRIDGE_SANDBOX', async () => {
    expect(await isSandboxWanted({ env: 'development', sandbox: 'on' }, apps('wx0000000000000001'))).toBe(true);
    expect(await isSandboxWanted({ env: 'development', sandbox: 'off' }, apps())).toBe(false);
  });

  it('is on in auto mode while no real WeChat app is configured (the sandbox app does not count)', async () => {
    expect(await isSandboxWanted({ env: 'development', sandbox: 'auto' }, apps())).toBe(true);
    expect(await isSandboxWanted({ env: 'development', sandbox: 'auto' }, apps(SANDBOX_APP_ID))).toBe(true);
    expect(await isSandboxWanted({ env: 'development', sandbox: 'auto' }, apps(SANDBOX_APP_ID, 'wx0000000000000001'))).toBe(false);
  });

  it('is never on in auto mode in production', async () => {
    expect(await isSandboxWanted({ env: 'production', sandbox: 'auto' }, apps())).toBe(false);
  });
});
