// The PNG encoder (png.ts) checked against the format itself: signature, chunk CRCs, IHDR fields,
// tEXt metadata and pixels that inflate back to what was encoded.
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.ts';

interface Chunk { readonly type: string; readonly data: Buffer; readonly crcOk: boolean }

function chunksOf(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    chunks.push({
      type: typeAndData.subarray(0, 4).toString('latin1'),
      data: Buffer.from(typeAndData.subarray(4)),
      crcOk: png.readUInt32BE(at + 8 + length) === crc32(typeAndData),
    });
    at += 12 + length;
  }
  return chunks;
}

describe('encodePng', () => {
  const pixels = Uint8Array.from({ length: 6 }, (_, i) => i * 40);
  const png = encodePng({ width: 3, height: 2, pixels }, { scene: 'a1B2c3!*' });

  it('writes the PNG signature and IHDR, tEXt, IDAT, IEND chunks with valid CRCs', () => {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks = chunksOf(png);
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(chunks.every((chunk) => chunk.crcOk)).toBe(true);
  });

  it('declares the size as 8-bit greyscale without interlacing', () => {
    const ihdr = chunksOf(png)[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([3, 2]);
    expect([...ihdr.subarray(8)]).toEqual([8, 0, 0, 0, 0]);
  });

  it('keeps the metadata as keyword NUL text', () => {
    expect(chunksOf(png)[1]!.data.toString('latin1')).toBe('scene\u0000a1B2c3!*');
  });

  it('stores each row after a None filter byte', () => {
    const raw = inflateSync(chunksOf(png)[2]!.data);
    expect([...raw]).toEqual([0, 0, 40, 80, 0, 120, 160, 200]);
  });

  it('refuses pixels that do not fill the image and non-ASCII metadata', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(3) })).toThrow(/width × height/);
    expect(() => encodePng({ width: 1, height: 1, pixels: new Uint8Array(1) }, { scene: '场景' })).toThrow(/ASCII/);
  });
});
