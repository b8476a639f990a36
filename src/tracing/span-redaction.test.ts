import { describe, expect, it } from 'vitest';
import { redactAttributes, redactString } from './span-redaction.ts';

describe('span redaction', () => {
  it('keeps the query parameter names of a URL and replaces every value', () => {
    expect(redactString('https://api.weixin.qq.com/sns/jscode2session?appid=wx1&secret=s3cr3t&js_code=c0de&grant_type=authorization_code'))
      .toBe('https://api.weixin.qq.com/sns/jscode2session?appid=REDACTED&secret=REDACTED&js_code=REDACTED&grant_type=REDACTED');
    expect(redactString('GET /auth?code=abc#frag')).toBe('GET /auth?code=REDACTED#frag');
  });

  it('removes URL userinfo and anything shaped like a JWT', () => {
    expect(redactString('postgres://wxbridge:pw@db:5432/wxbridge')).toBe('postgres://REDACTED@db:5432/wxbridge');
    expect(redactString('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')).toBe('Bearer REDACTED');
  });

  it('cleans every string attribute by value, url.query as a bare query, and header attributes whole', () => {
    expect(redactAttributes({
      'url.full': 'http://x/cgi-bin/stable_token?access_token=t0k', 'url.query': 'secret=a&code=b', 'http.request.header.authorization': ['Basic abc'],
      'http.response.status_code': 200, 'db.query.text': 'select 1 where id = $1', tags: ['a?b=c', 3] as unknown,
    })).toEqual({
      'url.full': 'http://x/cgi-bin/stable_token?access_token=REDACTED', 'url.query': 'secret=REDACTED&code=REDACTED', 'http.request.header.authorization': 'REDACTED',
      'http.response.status_code': 200, 'db.query.text': 'select 1 where id = $1', tags: ['a?b=REDACTED', 3],
    });
  });
});
