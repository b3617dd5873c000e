/** SPEC §4's canonical form of addresses, domains and display names, and what is refused (table-tested). */
import { describe, expect, it } from 'vitest';
import { canonicalDisplayName, canonicalDomain, canonicalEmail } from '../../../shared/domain/email';

const long = (local: number, domainLabels: number) =>
  `${'l'.repeat(local)}@${Array.from({ length: domainLabels }, () => 'd'.repeat(40)).join('.')}.org`;

describe('canonicalEmail', () => {
  it.each([
    ['  Ann@Example.ORG ', 'ann@example.org'],
    ['jos\u00e9@example.org', 'jos\u00e9@example.org'],
    ['jose\u0301@example.org', 'jos\u00e9@example.org'],
    ['JOSE\u0301@EXAMPLE.ORG', 'jos\u00e9@example.org'],
    ['ann@B\u00fccher.Example', 'ann@xn--bcher-kva.example'],
    ['ann@xn--bcher-kva.example', 'ann@xn--bcher-kva.example'],
    ['ann@XN--BCHER-KVA.EXAMPLE', 'ann@xn--bcher-kva.example'],
    ['ann@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.org', 'ann@example.org'],
    ['first.last+tag@sub.example.org', 'first.last+tag@sub.example.org'],
  ])('%j is %j', (input, canonical) => {
    expect(canonicalEmail(input)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['NUL', 'a\u0000b@example.org', 'control characters'],
    ['ESC', 'a\u001bb@example.org', 'control characters'],
    ['DEL', 'a\u007fb@example.org', 'control characters'],
    ['U+0085 (C1)', 'a\u0085b@example.org', 'control characters'],
    ['U+202E RLO', 'a\u202eb@example.org', 'bidirectional'],
    ['U+200B zero-width space', 'a\u200bb@example.org', 'invisible'],
    ['U+FEFF inside', 'a\ufeffb@example.org', 'invisible'],
    ['whitespace inside', 'a b@example.org', 'whitespace'],
    ['a no-break space inside', 'a\u00a0b@example.org', 'whitespace'],
    ['empty local label', 'a..b@example.org', 'empty labels'],
    ['only dots', '..@example.org', 'empty labels'],
    ['leading dot', '.a@example.org', 'empty labels'],
    ['empty domain label', 'a@example..org', 'empty labels'],
    ['an IPv4 domain', 'a@192.168.0.1', 'IP address'],
    ['a bracketed IP', 'a@[10.0.0.1]', 'IP address'],
    ['an IPv6 domain', 'a@[::1]', 'IP address'],
    ['a hex IPv4', 'a@0x7f.1', 'IP address'],
    ['a single label', 'a@localhost', 'domain name'],
    ['a local part over 64', long(65, 2), 'local part'],
    ['over 254 characters', long(60, 5), '254'],
    ['no @', 'example.org', 'email address'],
    ['two @', 'a@b@example.org', 'email address'],
  ])('refuses %s', (_name, input, problem) => {
    const result = canonicalEmail(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });

  it('gives two inputs that differ only in normalization, case or IDNA form one canonical form', () => {
    const forms = [
      'jos\u00e9@b\u00fccher.example',
      'JOSE\u0301@B\u00dcCHER.EXAMPLE',
      'jose\u0301@xn--bcher-kva.example',
    ];
    expect(new Set(forms.map((form) => JSON.stringify(canonicalEmail(form)))).size).toBe(1);
  });
});

describe('canonicalDomain', () => {
  it('takes either form of an internationalized domain', () => {
    expect(canonicalDomain('B\u00fccher.example')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
    expect(canonicalDomain('xn--bcher-kva.example')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
  });
});

describe('canonicalDisplayName', () => {
  it.each([
    ['  Jose\u0301 Bloggs ', 'Jos\u00e9 Bloggs'],
    ['\u{1F469}\u200d\u{1F4BB} Dev', '\u{1F469}\u200d\u{1F4BB} Dev'],
    [
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} Fan',
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} Fan',
    ],
    ['\u5c71\u7530 \u592a\u90ce', '\u5c71\u7530 \u592a\u90ce'],
  ])('%j is %j', (input, canonical) => {
    expect(canonicalDisplayName(input)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['blank', '   ', 'blank'],
    ['NUL', 'Ann\u0000', 'control'],
    ['U+0085', 'Ann\u0085', 'control'],
    ['RLO', 'Ann\u202eredli', 'bidirectional'],
    ['a joiner outside an emoji sequence', 'a\u200db', 'invisible'],
    ['only a zero-width space', '\u200b', 'invisible'],
    ['only a Hangul filler', '\u3164', 'visible'],
    ['over 256 characters', 'x'.repeat(257), '256'],
  ])('refuses %s', (_name, input, problem) => {
    const result = canonicalDisplayName(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});
