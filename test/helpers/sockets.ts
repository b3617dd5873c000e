/**
 * The listening TCP sockets of this machine, read from Linux's /proc/net/tcp and /proc/net/tcp6 (what
 * `ss -ltn` shows), to prove what the local stack listens on.
 */
import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** A /proc/net address word (host byte order, little-endian here) as the bytes of the address. */
function bytesOf(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const chunk = hex.slice(word, word + 8);
    for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(chunk.slice(i, i + 2), 16));
  }
  return bytes;
}

function formatAddress(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/**
 * The addresses that sockets listening on `port` are bound to (both address families).
 *
 * @example
 * listeningAddresses(3000) // ['127.0.0.1']
 */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== LISTEN || local === undefined) continue;
      const [address, portHex] = local.split(':') as [string, string];
      if (parseInt(portHex, 16) === port) found.push(formatAddress(bytesOf(address)));
    }
  }
  return found;
}

/** Whether an address is a loopback one: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. */
const isLoopback = (address: string): boolean =>
  /^127\./.test(address) || address === '0:0:0:0:0:0:0:1' || address === '::1' || /^::ffff:127\./.test(address);

export { listeningAddresses, isLoopback };
