import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { cliIssuer } from './cli-issuer.ts';

describe('cliIssuer', () => {
  it('acts as the issuer the server recorded, whatever PORT the CLI was given', () => {
    expect(cliIssuer(loadConfig({ PORT: '3000' }), 'http://localhost:3400')).toBe('http://localhost:3400');
  });

  it('falls back to the configuration before any server has started on the database', () => {
    expect(cliIssuer(loadConfig({ PORT: '3400' }), undefined)).toBe('http://localhost:3400');
    expect(cliIssuer(loadConfig({ WXBRIDGE_ISSUER: 'https://id.example.com/' }), undefined)).toBe('https://id.example.com');
  });

  it('refuses a configured issuer that differs from the recorded one, naming both', () => {
    expect(() => cliIssuer(loadConfig({ WXBRIDGE_ISSUER: 'https://id.example.com' }), 'https://login.example.com'))
      .toThrow(expect.objectContaining({ code: 'config.invalid', message: expect.stringMatching(/https:\/\/login\.example\.com.*WXBRIDGE_ISSUER.*https:\/\/id\.example\.com/) }));
    expect(cliIssuer(loadConfig({ WXBRIDGE_ISSUER: 'https://id.example.com' }), 'https://id.example.com')).toBe('https://id.example.com');
  });
});
