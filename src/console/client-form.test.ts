import { describe, expect, it } from 'vitest';
import { createBody, formatResources, parseResources, updateBody } from './client-form.ts';

describe('client forms → admin API bodies', () => {
  it('reads one API per line as "<uri> <scope> …", blank lines and spaces ignored, and writes it back the same way', () => {
    const resources = parseResources('https://a.example read write\r\n\n  https://b.example  \n');
    expect(resources).toEqual({ 'https://a.example': 'read write', 'https://b.example': '' });
    expect(formatResources(resources)).toBe('https://a.example read write\nhttps://b.example');
  });

  it('sends each type only the fields the API takes for it', () => {
    const form = new URLSearchParams({ clientId: ' shop ', wechatAppId: 'wx0123456789abcdef', scope: 'openid', name: '', redirectUris: 'https://a.example/cb\n', firstParty: 'yes', resources: '', defaultResource: '' });
    expect(createBody('service', form)).toEqual({ type: 'service', clientId: 'shop', resources: {} });
    expect(createBody('miniprogram', form)).toEqual({ type: 'miniprogram', clientId: 'shop', resources: {}, wechatAppId: 'wx0123456789abcdef', scope: 'openid' });
    expect(createBody('spa', form)).toEqual({ type: 'spa', clientId: 'shop', resources: {}, scope: 'openid', redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: [], firstParty: true });
  });

  it('sends the version read, no scope for a service client, and null to clear the default resource', () => {
    const form = new URLSearchParams({ version: '3', scope: 'openid', resources: 'https://a.example read', defaultResource: ' ' });
    expect(updateBody('service', form)).toEqual({ version: 3, resources: { 'https://a.example': 'read' }, defaultResource: null });
    expect(updateBody('web', form)).toMatchObject({ version: 3, scope: 'openid' });
  });
});
