import { BlockList, isIP } from 'node:net';

/** Why an entry of an address list (`10.0.0.2`, `::1`, `10.0.0.0/24`) is not valid, or undefined. */
export function addressListProblem(entry: string): string | undefined {
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr ?? '');
  if (!family || extra !== undefined) return 'must be an IP address or a CIDR block such as 10.0.0.0/24';
  if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128))) return `prefix length must be 0-${family === 4 ? 32 : 128}`;
  return undefined;
}

/** Whether an address is in a list of addresses and CIDR blocks (IPv4-mapped IPv6 addresses match their IPv4 entries). */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
