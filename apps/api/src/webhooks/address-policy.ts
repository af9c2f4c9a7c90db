import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless `WEBHOOK_ALLOW_PRIVATE=true` (SSRF): unspecified, loopback, private,
 * shared (CGNAT), link-local (cloud metadata at 169.254.169.254), benchmarking, multicast and reserved ranges, IPv4
 * and IPv6 (IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry).
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  INTERNAL.addSubnet(network, prefix, 'ipv6');

const MAPPED_DOTTED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** Whether `address` (an IP literal) is one a webhook may not reach by default. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return INTERNAL.check(bare, 'ipv4');
  if (family !== 6) return true;
  const dotted = MAPPED_DOTTED.exec(bare);
  if (dotted) return isInternalAddress(dotted[1]);
  const hex = MAPPED_HEX.exec(bare);
  if (hex) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return isInternalAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return INTERNAL.check(bare, 'ipv6');
}

/** Why a URL may not be a webhook's (its `reason`, for `errors[].reason`), or null when it may. */
export type UrlVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether `url` may receive deliveries: `https:` (or `http:` when allowed), and a host that is not, and does not
 * resolve to, an internal address (unless allowed). Resolves the host name (every address it has must pass).
 */
export async function checkWebhookUrl(url: string, policy: { allowHttp: boolean; allowPrivate: boolean }): Promise<UrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'must be an absolute URL' };
  }
  if (parsed.protocol !== 'https:' && !(policy.allowHttp && parsed.protocol === 'http:'))
    return { ok: false, reason: policy.allowHttp ? 'must be an http or https URL' : 'must be an https URL (WEBHOOK_ALLOW_HTTP is off)' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'must not carry credentials' };
  if (policy.allowPrivate) return { ok: true };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isInternalAddress(host) ? { ok: false, reason: internal(host) } : { ok: true };
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return { ok: false, reason: `has a host that does not resolve (${host})` };
  }
  const bad = addresses.find((a) => isInternalAddress(a.address));
  return bad ? { ok: false, reason: internal(`${host} → ${bad.address}`) } : { ok: true };
}

function internal(what: string): string {
  return `must not point to a private, loopback or link-local address (${what}); WEBHOOK_ALLOW_PRIVATE is off`;
}
