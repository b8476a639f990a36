// A minimal PNG encoder (RFC 2083 / ISO 15948) for the simulated mini-program codes (wechat-api.md §8.6):
// 8-bit greyscale, no interlacing, filter 0 on every row, one zlib IDAT, and tEXt chunks for metadata.
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** One byte per pixel, row by row (0 = black, 255 = white). */
  readonly pixels: Uint8Array;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  // The CRC covers the chunk type and data, not the length (PNG §5.3).
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

function header(image: GreyImage): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(image.width, 0);
  data.writeUInt32BE(image.height, 4);
  // Bit depth 8, colour type 0 (greyscale), compression 0, filter method 0, no interlace.
  data.set([8, 0, 0, 0, 0], 8);
  return chunk('IHDR', data);
}

function textChunk(keyword: string, text: string): Buffer {
  // tEXt is Latin-1 (PNG §11.3.4.3); the scene alphabet of §8.6 is plain ASCII.
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword) || !/^[\x20-\x7e]*$/.test(text)) throw new Error('tEXt takes printable ASCII here');
  return chunk('tEXt', Buffer.from(`${keyword}\u0000${text}`, 'latin1'));
}

function imageData(image: GreyImage): Buffer {
  const stride = image.width + 1;
  const raw = Buffer.alloc(stride * image.height);
  for (let y = 0; y < image.height; y += 1) {
    // Leading filter byte 0 ("None"), then the row as is.
    raw.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), y * stride + 1);
  }
  return chunk('IDAT', deflateSync(raw));
}

/** Encodes `image` as a PNG with `text` as tEXt chunks (keyword → value, printable ASCII). */
export function encodePng(image: GreyImage, text: Readonly<Record<string, string>> = {}): Buffer {
  if (image.pixels.length !== image.width * image.height) throw new Error('pixels must hold width × height bytes');
  const texts = Object.entries(text).map(([keyword, value]) => textChunk(keyword, value));
  return Buffer.concat([SIGNATURE, header(image), ...texts, imageData(image), chunk('IEND', Buffer.alloc(0))]);
}
