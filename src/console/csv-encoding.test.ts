import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, UTF8_BOM } from './csv-encoding.ts';

describe('CSV encoding (RFC 4180, OWASP CSV injection)', () => {
  it('leaves plain cells as they are, non-ASCII included', () => {
    expect(csvCell('client.create')).toBe('client.create');
    expect(csvCell('微信小程序 登录')).toBe('微信小程序 登录');
    expect(csvCell('')).toBe('');
    expect(csvCell('2026-11-30T06:31:02.000Z')).toBe('2026-11-30T06:31:02.000Z');
  });

  it('quotes cells holding a quote, a comma, a line feed or a carriage return, doubling the quotes', () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('{"status":"active","名字":"小明"}')).toBe('"{""status"":""active"",""名字"":""小明""}"');
  });

  it('prefixes with an apostrophe every cell a spreadsheet would run as a formula, then quotes it if needed', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    // Only the first character counts.
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(' =1')).toBe(' =1');
  });

  it('joins a record with commas and ends it with CRLF; the byte order mark is U+FEFF', () => {
    expect(csvLine(['a', 'b,c', '=x', '审计'])).toBe('a,"b,c",\'=x,审计\r\n');
    expect(csvLine([])).toBe('\r\n');
    expect(Buffer.from(UTF8_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
