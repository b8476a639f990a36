// The picture of a simulated mini-program code (wechat-api.md §8.6, §14 item 26): round like WeChat's
// "sunflower" codes — rings of dots derived from SHA-256 of the scene, three eyes, a hollow centre — so
// each scene gets its own deterministic image. Not scannable: tests read the scene from the tEXt chunk.
import { createHash } from 'node:crypto';
import type { GreyImage } from './png.ts';

const RINGS = 8;
const INK = 24;
const PAPER = 255;

function bitSource(scene: string): (index: number) => boolean {
  const blocks: Buffer[] = [];
  return (index) => {
    const block = Math.floor(index / 256);
    while (blocks.length <= block) blocks.push(createHash('sha256').update(`${scene}\u0000${String(blocks.length)}`).digest());
    const byte = blocks[block]?.[Math.floor((index % 256) / 8)] ?? 0;
    return ((byte >> (index % 8)) & 1) === 1;
  };
}

interface Geometry {
  readonly centre: number;
  readonly outer: number;
  readonly inner: number;
  readonly ring: number;
  readonly eyes: ReadonlyArray<readonly [number, number]>;
  readonly eyeRadius: number;
}

function geometryOf(width: number): Geometry {
  const centre = width / 2;
  const outer = width * 0.47;
  const inner = width * 0.2;
  const middle = (outer + inner) / 2;
  // Top-left, top-right and bottom-left, like the positioning marks of a real code.
  const eyes = [225, 315, 135].map((degrees) => {
    const angle = (degrees * Math.PI) / 180;
    return [centre + middle * Math.cos(angle), centre + middle * Math.sin(angle)] as const;
  });
  return { centre, outer, inner, ring: (outer - inner) / RINGS, eyes, eyeRadius: width * 0.085 };
}

/** Distance from (x, y) to the nearest eye, in eye radii. */
function eyeDistance(g: Geometry, x: number, y: number): number {
  return Math.min(...g.eyes.map(([ex, ey]) => Math.hypot(x - ex, y - ey) / g.eyeRadius));
}

function eyeShade(g: Geometry, x: number, y: number): number | null {
  const d = eyeDistance(g, x, y);
  if (d > 1) return null;
  return d >= 0.72 || d <= 0.42 ? INK : PAPER;
}

function dotShade(g: Geometry, bit: (index: number) => boolean, x: number, y: number): number {
  const dx = x - g.centre;
  const dy = y - g.centre;
  const r = Math.hypot(dx, dy);
  if (r < g.inner || r >= g.outer) return PAPER;
  const ring = Math.floor((r - g.inner) / g.ring);
  const ringRadius = g.inner + (ring + 0.5) * g.ring;
  const segments = Math.max(8, Math.round((2 * Math.PI * ringRadius) / g.ring));
  const turn = (Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI);
  const segment = Math.min(segments - 1, Math.floor(turn * segments));
  if (!bit(ring * 512 + segment)) return PAPER;
  const angle = ((segment + 0.5) / segments) * 2 * Math.PI - Math.PI;
  const dotX = ringRadius * Math.cos(angle);
  const dotY = ringRadius * Math.sin(angle);
  // Whole dots only: none that would touch an eye.
  if (eyeDistance(g, g.centre + dotX, g.centre + dotY) < 1.25) return PAPER;
  return Math.hypot(dx - dotX, dy - dotY) <= g.ring * 0.36 ? INK : PAPER;
}

function centreShade(g: Geometry, x: number, y: number): number | null {
  const d = Math.hypot(x - g.centre, y - g.centre) / g.inner;
  if (d > 0.92) return null;
  // A ring where the app's logo would sit, and a dot in its middle.
  return (d >= 0.78 && d <= 0.86) || d <= 0.18 ? INK : PAPER;
}

/** A `width` × `width` greyscale code for `scene` (same scene and width → same pixels). */
export function renderMiniProgramCode(scene: string, width: number): GreyImage {
  const g = geometryOf(width);
  const bit = bitSource(scene);
  const pixels = new Uint8Array(width * width);
  for (let y = 0; y < width; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const px = x + 0.5;
      const py = y + 0.5;
      pixels[y * width + x] = centreShade(g, px, py) ?? eyeShade(g, px, py) ?? dotShade(g, bit, px, py);
    }
  }
  return { width, height: width, pixels };
}
