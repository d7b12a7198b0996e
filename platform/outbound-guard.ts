import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/**
 * Requests to addresses a merchant chose (webhook endpoints) must not reach our own
 * network: loopback, private and link-local ranges, the cloud metadata address
 * (169.254.169.254), carrier-grade NAT, multicast and every other special-purpose range
 * ipaddr.js knows. Checked when the URL is registered (a clear error for the merchant) and
 * again on every connection (the name may resolve elsewhere by then: DNS rebinding).
 */
export interface OutboundPolicy {
  /** Development and tests: endpoints on this machine or the local network are allowed. */
  allowPrivateNetworks: boolean;
  /** Plain http is refused unless allowed (the payload and its signature travel in clear). */
  allowHttp: boolean;
}

export type OutboundRefusal =
  | 'NOT_A_URL'
  | 'SCHEME_NOT_ALLOWED'
  | 'CREDENTIALS_IN_URL'
  | 'PRIVATE_ADDRESS'
  | 'UNRESOLVABLE_HOST';

export class OutboundRefused extends Error {
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** A globally routable unicast address (IPv4-mapped IPv6 is judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** The URL's form: scheme, no credentials; an IP literal host must be public. */
export function checkUrlForm(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('NOT_A_URL', 'Not a URL');
  }
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    throw new OutboundRefused(
      'SCHEME_NOT_ALLOWED',
      policy.allowHttp ? 'The URL must be http(s)' : 'The URL must be https',
    );
  if (url.username || url.password)
    throw new OutboundRefused('CREDENTIALS_IN_URL', 'The URL must not hold a user or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateNetworks && isIP(host) && !isPublicAddress(host))
    throw new OutboundRefused('PRIVATE_ADDRESS', `${host} is not a public address`);
  return url;
}

/** checkUrlForm, and every address the host resolves to now must be public. */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = checkUrlForm(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowPrivateNetworks || isIP(host)) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new OutboundRefused('UNRESOLVABLE_HOST', `${host} does not resolve`);
  }
  const inner = addresses.find((a) => !isPublicAddress(a.address));
  if (inner)
    throw new OutboundRefused(
      'PRIVATE_ADDRESS',
      `${host} resolves to ${inner.address}, not public`,
    );
  return url;
}

/** A DNS lookup for sockets that fails when the chosen address is not public. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as LookupAddress[];
    const inner = list.find((a) => !isPublicAddress(a.address));
    if (inner)
      return callback(
        new OutboundRefused(
          'PRIVATE_ADDRESS',
          `${hostname} resolves to ${inner.address}, not public`,
        ) as NodeJS.ErrnoException,
        '',
        0,
      );
    const wantsAll = (options as LookupOptions).all === true;
    if (wantsAll) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** An HTTP dispatcher whose connections only reach public addresses (unless allowed). */
export function outboundDispatcher(policy: OutboundPolicy): Agent {
  return new Agent(policy.allowPrivateNetworks ? {} : { connect: { lookup: publicOnlyLookup } });
}
