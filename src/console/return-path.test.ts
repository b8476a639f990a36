import { describe, expect, it } from 'vitest';
import { consoleReturnPath } from './return-path.ts';

describe('consoleReturnPath', () => {
  it('keeps a console page with its query', () => {
    expect(consoleReturnPath('/console/audit?action=app.upsert')).toBe('/console/audit?action=app.upsert');
    expect(consoleReturnPath('/console/clients/shop-web')).toBe('/console/clients/shop-web');
  });

  it('refuses anything that would leave the console or the origin', () => {
    for (const requested of ['/console/../../evil', '/console/%2e%2e/evil', '//evil.example', 'https://evil.example', '/console\\..\\evil',
      '/\\evil.example', '/evil', '/console', 'javascript:alert(1)', `/console/${'a'.repeat(600)}`, undefined, ['/console/apps']]) {
      expect(consoleReturnPath(requested), String(requested)).toBeUndefined();
    }
  });

  it('refuses the steps of the sign-in itself', () => {
    for (const requested of ['/console/callback?code=x', '/console/sign-in', '/console/signed-out', '/console/invite/abc']) {
      expect(consoleReturnPath(requested)).toBeUndefined();
    }
  });
});
