import { describe, expect, it } from 'vitest';
import { hostChecker, hostName } from './allowed-hosts.js';

describe('Host check (DNS rebinding)', () => {
  it('reads the name of a Host header: port, IPv6 brackets, case and a trailing dot do not matter', () => {
    expect(hostName('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('[::1]')).toBe('::1');
    expect(hostName('Vantage.Site.LAN.')).toBe('vantage.site.lan');
    expect(hostName('box:')).toBe('box');
  });

  it('passes IP addresses, localhost, the bound host, this machine and configured names; refuses others and a missing Host', () => {
    const ok = hostChecker({ allowed: ['vantage.site.lan'], boundHost: 'edge-7.lan', hostnames: ['edge-7'] });
    for (const h of ['10.1.2.3', '10.1.2.3:8080', '[fe80::1]:8080', 'localhost:8080', 'LOCALHOST', 'edge-7', 'edge-7.local:80', 'edge-7.lan', 'vantage.site.lan:443']) expect(ok(h), h).toBe(true);
    for (const h of [undefined, '', 'evil.example', 'vantage.site.lan.evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', 'edge-8']) expect(ok(h), String(h)).toBe(false);
    const open = hostChecker({ allowed: ['*'], boundHost: '0.0.0.0', hostnames: [] });
    expect(open('anything.example')).toBe(true);
  });
});
