/**
 * The part of a client address a rate limit counts (issue #15 finding 7b). An IPv6 host usually gets a
 * whole /64 (RFC 6177 §2; SLAAC, RFC 4862, picks the low 64 bits itself, and privacy addresses,
 * RFC 8981, rotate them), so counting full IPv6 addresses would hand one client 2^64 buckets: they
 * are counted per /64. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (a zone index dropped, an embedded IPv4 tail converted). */
function expandIPv6(ip: string): string[] {
  let address = ip.split('%')[0] ?? ip;
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (ipv4Tail !== null) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    address = `${address.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16).toString(16));
}
