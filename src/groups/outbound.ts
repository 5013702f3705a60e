/**
 * Requests to addresses that members typed (chat webhooks), so that nobody can make the server
 * reach what only it can reach: its own ports, the private network around it, a cloud's metadata
 * service. An address must be `https:` and every address its host resolves to must be public
 * unicast (ipaddr.js's ranges; IPv4 written as IPv6 is judged as IPv4) and none of this machine's
 * own. The check runs when the address is saved, and again on every request: the connection is
 * made to the very address that was checked (a `lookup` of our own), so a name that resolved to a
 * public address yesterday and to 127.0.0.1 now (DNS rebinding) is refused at the moment it matters.
 * Redirects are not followed. An operator whose chat server is on their own network allows
 * private addresses (and plain `http:`) with PAPERBOY_WEBHOOK_ALLOW_PRIVATE.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import os from 'node:os';
import ipaddr from 'ipaddr.js';

export interface OutboundPolicy {
  /** PAPERBOY_WEBHOOK_ALLOW_PRIVATE: private, loopback and link-local addresses, and plain http, allowed. */
  allowPrivate: boolean;
}

/** Why an address is refused, in words a group admin can act on. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

/** The URL, checked for its form: https (or http when private addresses are allowed), a host, no credentials. */
export function outboundUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('This is not a web address.');
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) throw new OutboundRefused('The address must start with https://.');
  if (url.username !== '' || url.password !== '') throw new OutboundRefused('The address may not carry a user name or password.');
  if (url.hostname === '') throw new OutboundRefused('The address has no host.');
  return url;
}

/** Null when the server may connect to this IP address, else the reason it may not. */
export function addressProblem(address: string, policy: OutboundPolicy): string | null {
  if (policy.allowPrivate) return null;
  if (!ipaddr.isValid(address)) return 'it is not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range !== 'unicast') return `it leads to ${RANGE_WORDS[range] ?? `a reserved address (${range})`}`;
  if (ownAddresses().has(parsed.toNormalizedString())) return 'it leads to this server';
  return null;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'this machine (a loopback address)',
  private: 'a private network',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a private network',
  unspecified: 'an unspecified address',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
};

/** The addresses of this machine's own interfaces, public ones included. */
function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const entry of list ?? []) {
      const address = entry.address.split('%')[0]!;
      if (ipaddr.isValid(address)) out.add(ipaddr.parse(address).toNormalizedString());
    }
  }
  return out;
}

/**
 * Resolves the URL's host and checks every address it gives; refused (OutboundRefused) when one is
 * not allowed or the name does not resolve. What saving a webhook calls.
 */
export async function checkOutbound(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = outboundUrl(raw, policy);
  const host = bareHost(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  for (const address of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) throw new OutboundRefused(`This address is refused: ${problem}.`);
  }
  return url;
}

/**
 * POSTs JSON to a checked URL; resolves with the status code (the body is read and dropped).
 * Refused (OutboundRefused) when the host now resolves to an address not allowed; rejects on
 * network failure or time-out. Never follows a redirect.
 */
export async function postJson(raw: string, body: unknown, policy: OutboundPolicy, options: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const url = outboundUrl(raw, policy);
  const host = bareHost(url);
  if (isIP(host)) {
    const problem = addressProblem(host, policy);
    if (problem) throw new OutboundRefused(`This address is refused: ${problem}.`);
  }
  const payload = Buffer.from(JSON.stringify(body));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(payload.length), 'User-Agent': 'Paperboy (group chat notifications)' },
        lookup: guardedLookup(policy),
        timeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        // A fresh connection each time: a pooled socket would skip the lookup, and its check.
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** A `lookup` for net.connect that hands over only addresses the policy allows, so the socket connects to what was checked. */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const entry of list) {
        const problem = addressProblem(entry.address, policy);
        if (problem) return callback(new OutboundRefused(`This address is refused: ${problem}.`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    const found = await dns.promises.lookup(host, { all: true });
    return found.map((f) => f.address);
  } catch {
    throw new OutboundRefused(`The host ${host} could not be found.`);
  }
}

/** The URL's host without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
