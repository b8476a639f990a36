import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { DECRYPTION_FAILED, decryptUserData, isRawDataSignatureValid } from './legacy-crypto.ts';

// Official vectors (shared/docs/wechat-api.md §5.2, §5.3), copied rather than imported: the simulator is another
// implementation and this unit must stand on WeChat's published values alone.
const V = {
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
  encryptedData: 'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==',
};
const RAW = {
  sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==',
  rawData: '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}',
  signature: '75e81ceda165f4ffa64f4068af58c64b8f54b88c',
};

function encrypt(plaintext: Buffer, autoPadding = true): string {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(V.sessionKey, 'base64'), Buffer.from(V.iv, 'base64'));
  cipher.setAutoPadding(autoPadding);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

function failure(input: { encryptedData: string; iv?: string; sessionKey?: string }): unknown {
  try {
    decryptUserData({ sessionKey: V.sessionKey, iv: V.iv, ...input });
  } catch (error) {
    return error;
  }
  return expect.unreachable('decryption succeeded');
}

describe('decryptUserData (wechat-api.md §5.2)', () => {
  it('decrypts the official vector', () => {
    expect(decryptUserData(V)).toMatchObject({ openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE', nickName: 'Band', watermark: { appid: 'wx4f4bc4dec97d474b', timestamp: 1477314187 } });
  });

  const lastBlockFlipped = (() => {
    const bytes = Buffer.from(V.encryptedData, 'base64');
    bytes[bytes.length - 17] = (bytes[bytes.length - 17] ?? 0) ^ 0x01; // changes the last plaintext byte: bad padding
    return bytes.toString('base64');
  })();

  it.each([
    ['bad padding', { encryptedData: lastBlockFlipped }],
    ['valid padding but not JSON', { encryptedData: encrypt(Buffer.from('not json at all')) }],
    ['JSON that is not an object', { encryptedData: encrypt(Buffer.from('[1,2,3]')) }],
    ['invalid UTF-8', { encryptedData: encrypt(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])) }],
    ['a wrong IV length', { encryptedData: V.encryptedData, iv: 'r7BXXKkLb8qrSNn05n0q' }],
    ['a `+` turned into a space', { encryptedData: V.encryptedData.replace('+', ' ') }],
    ['a truncated ciphertext', { encryptedData: V.encryptedData.slice(0, 40) }],
    ['an empty ciphertext', { encryptedData: '' }],
    ['a wrong session key', { encryptedData: V.encryptedData, sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==' }],
    ['no padding at all', { encryptedData: encrypt(Buffer.alloc(32, 0x41), false) }],
  ])('fails with the one uniform error for %s', (_name, input) => {
    const error = failure(input);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'legacy_data.invalid', message: DECRYPTION_FAILED });
    expect((error as Error).cause).toBeUndefined();
  });
});

describe('isRawDataSignatureValid (wechat-api.md §5.3)', () => {
  it('accepts the official vector, in either letter case', () => {
    expect(isRawDataSignatureValid(RAW)).toBe(true);
    expect(isRawDataSignatureValid({ ...RAW, signature: RAW.signature.toUpperCase() })).toBe(true);
  });

  it('refuses another rawData, another key, and signatures that are not 40 hex digits', () => {
    expect(isRawDataSignatureValid({ ...RAW, rawData: `${RAW.rawData} ` })).toBe(false);
    expect(isRawDataSignatureValid({ ...RAW, sessionKey: V.sessionKey })).toBe(false);
    for (const signature of ['', 'zz', `${RAW.signature}00`, RAW.signature.slice(0, 39)]) {
      expect(isRawDataSignatureValid({ ...RAW, signature })).toBe(false);
    }
  });
});
