import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { goTemplateLiteral } from '../../lib/constructs/go-template.ts';
import { findSecretMaterial, standsClean } from '../../lib/model/secret-material.ts';
import { piecesClean, scanFiles } from '../../lib/validate/index.ts';
import { ANCHOR_PEM, REPO } from '../support/fleet.ts';
import { SECRET_SAMPLES, secretKinds } from './secret-samples.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
const publicKeyRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();

describe('the secret detector (one definition for input and output)', () => {
  it.each(SECRET_SAMPLES.map((s) => [s.label, s] as const))('finds %s', (_label, sample) => {
    const found = findSecretMaterial(sample.text);
    expect(found.map((f) => f.kind)).toContain(sample.kind);
    for (const f of found) expect(f.fingerprint).toMatch(/^sha256:[0-9a-f]{8}$/);
  });

  it('finds each sample base64-encoded (as in a Secret, an annotation or a values string)', () => {
    for (const sample of SECRET_SAMPLES.filter((s) => !s.kind.startsWith('headerless'))) {
      const kinds = findSecretMaterial(`value: ${b64(sample.text)}\n`).map((f) => f.kind);
      expect(kinds, sample.label).toContain(`base64-encoded ${sample.kind}`);
    }
  });

  it('finds the shortest secrets there are, so that skipping shorter text (keys, names, versions) hides nothing', () => {
    // A run of 16 is the shortest thing read; an AWS key id is 20 characters, a kubeconfig credential needs three keys.
    expect(findSecretMaterial('AKIAABCDEFGHIJKLMNOP').map((f) => f.kind)).toEqual(['AWS access key id']);
    expect(findSecretMaterial('users:\nkind:Config\ntoken:x').map((f) => f.kind)).toEqual(['kubeconfig user token']);
  });

  it('finds a key base64-encoded twice', () => {
    const pem = SECRET_SAMPLES.find((s) => s.kind === 'EC private key')!.text;
    expect(secretKinds(b64(b64(pem)))).toContain('doubly base64-encoded EC private key');
  });

  it('reports one finding for an armoured key, not its body again as headerless', () => {
    const pem = SECRET_SAMPLES.find((s) => s.kind === 'private key')!.text;
    expect(secretKinds(pem)).toStrictEqual(['private key']);
    expect(secretKinds(JSON.stringify({ private_key: pem }))).toStrictEqual(['private key']);
  });

  it('finds every kubeconfig credential key in one kubeconfig, each once, in text order (one search for all key words)', () => {
    const keys = ['token', 'password', 'client-key-data', 'client-key', 'id-token', 'refresh-token', 'access-token'];
    const users = keys.map((k, i) => `- name: u${i}\n  user:\n    ${k}: secret-value-${i}\n`).join('');
    const yaml = `apiVersion: v1\nkind: Config\nclusters: []\nusers:\n${users}`;
    expect(findSecretMaterial(yaml).map((f) => f.kind)).toStrictEqual(keys.map((k) => `kubeconfig user ${k}`));
    // The same inside a JSON string (escaped quotes before the key), and in JSON.
    const json = JSON.stringify({ kind: 'Config', clusters: [], users: keys.map((k, i) => ({ name: `u${i}`, user: { [k]: `secret-value-${i}` } })) });
    expect(findSecretMaterial(json).map((f) => f.kind)).toStrictEqual(keys.map((k) => `kubeconfig user ${k}`));
    expect(findSecretMaterial(JSON.stringify({ config: json })).map((f) => f.kind)).toStrictEqual(keys.map((k) => `kubeconfig user ${k}`));
  });

  it('gives the same fingerprint for the same secret and a different one for another, and never the secret', () => {
    const [a, b] = SECRET_SAMPLES.filter((s) => s.kind === 'GitHub token');
    const first = findSecretMaterial(a!.text)[0]!;
    expect(findSecretMaterial(`x ${a!.text} y`)[0]!.fingerprint).toBe(first.fingerprint);
    expect(findSecretMaterial(b!.text)[0]!.fingerprint).not.toBe(first.fingerprint);
    expect(JSON.stringify(findSecretMaterial(a!.text))).not.toContain(a!.text.slice(4, 20));
  });

  it('ignores certificates, public keys, CA bundles and placeholders', () => {
    const texts = [
      ANCHOR_PEM,
      `ca.crt: ${b64(ANCHOR_PEM)}`,
      JSON.stringify({ identityTrustAnchorsPEM: ANCHOR_PEM }),
      publicKey,
      publicKeyRsa,
      b64(publicKey),
      // A kubeconfig template filled in-cluster by External Secrets, plain and Helm-escaped.
      'kind: Config\nclusters: []\nusers:\n- name: u\n  user:\n    token: {{ .token }}\n',
      'kind: Config\nclusters: []\nusers:\n- name: u\n  user:\n    token: {{ "{{" }} .token }}\n',
      // Exec-based users, and `token:`/`password:` lines that are not in a kubeconfig.
      'kind: Config\nclusters: []\nusers:\n- name: u\n  user:\n    exec: { command: aws }\n',
      'auth:\n  token: ""\npassword: hunter2\n',
      // Hashes, long names and image digests are runs of base64 characters, not secrets.
      'image: cr.l5d.io/linkerd/proxy@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'name: linkerd-service-mirror-remote-access-eu-west-1-production-cluster-with-a-long-name',
      'checksum/config: 3b5d5c3712955042212316173ccf37be800bba6b0000000000000000000000aa',
    ];
    for (const text of texts) expect(findSecretMaterial(text), text.slice(0, 60)).toStrictEqual([]);
  });
});

describe('scanFiles (every file meshfleet writes)', () => {
  it('names the file and the line, never the secret', () => {
    const key = SECRET_SAMPLES.find((s) => s.kind === 'RSA private key')!.text;
    const values = `identity:\n  issuer:\n    tls:\n      keyPEM: |\n${key.replace(/^/gm, '        ')}`;
    const issues = scanFiles(
      new Map([
        ['prod/eu-1/values/linkerd-control-plane.yaml', values],
        ['prod/eu-1/manifests/configmap.yaml', `data:\n  ca-bundle.crt: |\n${ANCHOR_PEM.replace(/^/gm, '    ')}`],
      ]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'prod/eu-1/values/linkerd-control-plane.yaml', line: 5, kind: 'RSA private key' });
    expect(JSON.stringify(issues)).not.toMatch(/MII|BEGIN/);
  });

  it('reports a v1 Secret with data or stringData (block and flow), but not an empty one', () => {
    const files = {
      'vendor/a.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata:\n  kubeconfig: bm90IGEga3ViZWNvbmZpZw==\n',
      'vendor/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData: {note: x}\n',
      'vendor/c.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\ndata: {}\n',
      'vendor/d.yaml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: d\nspec:\n  data:\n  - secretKey: token\n',
    };
    expect(scanFiles(files).map((i) => [i.file, i.line, i.kind])).toStrictEqual([
      ['vendor/a.yaml', 5, 'Secret data'],
      ['vendor/b.yaml', 10, 'Secret stringData'],
    ]);
  });

  it('finds nothing in the example output (charts-out/), public trust anchor included', () => {
    const root = join(REPO, 'charts-out');
    const files = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else files.set(relative(root, path), readFileSync(path, 'utf8'));
      }
    };
    walk(root);
    expect(files.size).toBeGreaterThan(50);
    expect([...files.values()].some((text) => text.includes('BEGIN CERTIFICATE'))).toBe(true);
    expect(scanFiles(files)).toStrictEqual([]);
  });
});

describe('a file wrapping another file (a mesh template and its manifest)', () => {
  const head = '{{- if or (not .Values.files) (has "links.yaml" .Values.files) }}\n';
  const tail = '{{- end }}\n';
  const pem = SECRET_SAMPLES.find((s) => s.kind === 'EC private key')!.text;
  const bodies = [
    ...SECRET_SAMPLES.map((s) => `apiVersion: v1\nkind: ConfigMap\ndata:\n  value: ${JSON.stringify(s.text)}\n`),
    ...SECRET_SAMPLES.map((s) => `value: ${b64(s.text)}\n`),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  key: c2VjcmV0\n---\napiVersion: v1\nkind: Secret\nstringData:\n  token: abc\n`,
    `token: ${'A'.repeat(40)}\n`,
    `key: |\n${pem.replace(/-----END[^]*$/, '')}`,
    '',
  ];

  it('reports exactly what scanning its own text reports', () => {
    for (const body of bodies) {
      const files = new Map([['env/c/mesh/templates/links.yaml', `${head}${body}${tail}`], ['env/c/manifests/links.yaml', body]]);
      const wrapped = new Map([['env/c/mesh/templates/links.yaml', { of: 'env/c/manifests/links.yaml', head, tail }]]);
      expect(scanFiles(files, wrapped), body).toStrictEqual(scanFiles(files));
    }
    expect(scanFiles(new Map([['t.yaml', `${head}value: ${b64(pem)}\n${tail}`], ['m.yaml', `value: ${b64(pem)}\n`]]), new Map([['t.yaml', { of: 'm.yaml', head, tail }]])).map((i) => [i.file, i.line])).toStrictEqual([
      ['t.yaml', 2],
      ['m.yaml', 1],
    ]);
  });

  it('scans the text itself when it is not the other file between head and tail', () => {
    const files = new Map([['t.yaml', `${head}value: ${b64(pem)}\n${tail}`], ['m.yaml', 'value: harmless\n']]);
    const issues = scanFiles(files, new Map([['t.yaml', { of: 'm.yaml', head, tail }]]));
    expect(issues.map((i) => i.file)).toStrictEqual(['t.yaml']);
  });

  it('scans the text itself when a seam could join a finding (a head holding a colon)', () => {
    const withColon = 'users:\n';
    const body = `clusters:\n- name: a\ntoken: ${'x'.repeat(20)}\n`;
    const files = new Map([['t.yaml', `${withColon}${body}`], ['m.yaml', body]]);
    expect(scanFiles(files, new Map([['t.yaml', { of: 'm.yaml', head: withColon, tail: '' }]]))).toStrictEqual(scanFiles(files));
    expect(scanFiles(files).map((i) => i.file)).toStrictEqual(['t.yaml']);
  });

  describe('as a Go template literal (its `{{` escaped, as in a mesh template)', () => {
    const kubeconfig = (user: string) => `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://c:6443\ncurrent-context: c\nusers:\n- name: u\n  user:\n${user}`;
    const escapedBodies = [
      ...bodies,
      // The External Secrets template of link-credentials.yaml, and variants where `{{` touches what a rule reads.
      `kind: ExternalSecret\nspec:\n  target:\n    template:\n      data:\n        kubeconfig: |\n${kubeconfig('    token: {{ .token }}\n').replace(/^/gm, '          ')}`,
      kubeconfig('    token: "{{ .token }}"\n'),
      kubeconfig('    token: {{ .token }}x\n'),
      kubeconfig('    password: {{ x\n'),
      kubeconfig(`    client-key-data: {{${b64('k')}\n`),
      `{token: {{x}}, users: [], clusters: []}\n`,
      `conn: DefaultEndpointsProtocol=https;AccountKey={{${'Ab9+'.repeat(22)}==\n`,
      `conn: AccountKey=${'Ab9+'.repeat(22)}{{==\n`,
      `"private_key": "{{ ${'Ab9+'.repeat(10)}"\n`,
      `value: ${SECRET_SAMPLES.find((s) => s.kind === 'JWT bearer token')?.text ?? 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'}{{x\n`,
      `value: |\n  ${b64(kubeconfig('    token: abcdefghijklmnop\n')).replace(/(.{60})/g, '$1\n  ')}\n  {{x\n`,
      `apiVersion: v1\nkind: Secret\nstringData:\n  token: "{{ .token }}"\n`,
    ];
    const check = (body: string) => {
      const template = `${head}${goTemplateLiteral(body)}${tail}`;
      const files = new Map([['env/c/mesh/templates/links.yaml', template], ['env/c/manifests/links.yaml', body]]);
      const wrapped = new Map([['env/c/mesh/templates/links.yaml', { of: 'env/c/manifests/links.yaml', head, tail, escaped: true }]]);
      expect(scanFiles(files, wrapped), body).toStrictEqual(scanFiles(files));
      return scanFiles(files);
    };

    it('reports exactly what scanning its own text reports', () => {
      for (const body of escapedBodies) check(body);
      // Escaping changes what a kubeconfig rule reads: a quoted placeholder becomes a quoted `{{ ` and
      // is reported in the template only, which the template's own text rules see.
      expect(check(kubeconfig('    token: "{{ .token }}"\n')).map((i) => i.file)).toStrictEqual(['env/c/mesh/templates/links.yaml']);
    });

    it('reports exactly what scanning its own text reports with `{{` put anywhere (property)', () => {
      const body = fc.constantFrom(...escapedBodies.filter((b) => b !== ''));
      const cuts = fc.array(fc.tuple(fc.nat(), fc.constantFrom('{{', '{{{', '{{{{', '{', '{{ .x }}')), { maxLength: 4 });
      fc.assert(
        fc.property(body, cuts, (text, inserts) => {
          let withBraces = text;
          for (const [at, braces] of inserts) {
            const i = at % (withBraces.length + 1);
            withBraces = withBraces.slice(0, i) + braces + withBraces.slice(i);
          }
          check(withBraces);
        }),
        { numRuns: 300 },
      );
    });

    it('still reports every sample, plain and base64-encoded, in the manifest and in both its templates (a shortcut never hides a finding)', () => {
      // Equality with a plain scan (above) would pass if both lost a finding; here each file must report it.
      const forms = SECRET_SAMPLES.flatMap((s) => [
        { body: s.text.replace(/\n?$/, '\n'), kind: s.kind, label: s.label },
        ...(s.kind.startsWith('headerless') ? [] : [{ body: `data:\n  value: ${b64(s.text)}\n`, kind: `base64-encoded ${s.kind}`, label: `${s.label}, base64` }]),
      ]);
      for (const { body, kind, label } of forms) {
        // A `{{` in the manifest, as in link-credentials.yaml, makes its template a Go template literal.
        for (const manifest of [body, `# {{ .x }}\n${body}`]) {
          const escaped = manifest.includes('{{');
          const template = `${head}${escaped ? goTemplateLiteral(manifest) : manifest}${tail}`;
          const files = new Map([
            ['env/c/manifests/links.yaml', manifest],
            ['env/c/mesh/templates/links.yaml', template],
          ]);
          const wrapped = new Map([['env/c/mesh/templates/links.yaml', { of: 'env/c/manifests/links.yaml', head, tail, ...(escaped ? { escaped } : {}) }]]);
          const issues = scanFiles(files, wrapped);
          for (const file of files.keys()) expect(issues.filter((i) => i.file === file).map((i) => i.kind), `${label} in ${file}`).toContain(kind);
          expect(issues, label).toStrictEqual(scanFiles(files));
        }
      }
    });

    it('still reports a real credential in an External Secrets kubeconfig template, in the manifest and in its escaped template', () => {
      const token = 'k8s-token-0123456789abcdef';
      const template = (user: string) =>
        `kind: ExternalSecret\nspec:\n  target:\n    template:\n      data:\n        kubeconfig: |\n${kubeconfig(user).replace(/^(?=.)/gm, '          ')}`;
      for (const user of [`    token: ${token}\n`, `    token: "${token}"\n`, `    password: {{ .x }}\n    token: ${token}\n`, `    client-key-data: ${b64(token)}{{ .x }}\n`]) {
        const body = template(user);
        const files = new Map([
          ['env/c/manifests/link-credentials.yaml', body],
          ['env/c/mesh/templates/link-credentials.yaml', `${head}${goTemplateLiteral(body)}${tail}`],
        ]);
        const wrapped = new Map([['env/c/mesh/templates/link-credentials.yaml', { of: 'env/c/manifests/link-credentials.yaml', head, tail, escaped: true }]]);
        const issues = scanFiles(files, wrapped);
        expect(issues, user).toStrictEqual(scanFiles(files));
        for (const file of files.keys()) expect(issues.filter((i) => i.file === file).map((i) => i.kind).filter((k) => k.startsWith('kubeconfig user')), `${user} in ${file}`).not.toStrictEqual([]);
      }
    });

    it('scans the text itself when it is not the other file escaped', () => {
      const body = `value: ${b64(pem)}\n`;
      const files = new Map([['t.yaml', `${head}value: {{ "{{" }}harmless\n${tail}`], ['m.yaml', 'value: {{harmless\n'], ['u.yaml', `${head}${body}${tail}`], ['n.yaml', 'value: harmless\n']]);
      const issues = scanFiles(files, new Map([['u.yaml', { of: 'n.yaml', head, tail, escaped: true }], ['t.yaml', { of: 'm.yaml', head, tail, escaped: true }]]));
      expect(issues.map((i) => i.file)).toStrictEqual(['u.yaml']);
    });
  });
});

describe('a JSON file joined from pieces that were scanned alone (index.json and its clusters entries)', () => {
  const file = 'index.json';
  const run = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/'[(i * 7 + seed * 13) % 38]).join('');
  // What the rules read around a match, put where a piece meets the rest: keys before runs, runs
  // after braces, kubeconfig structure on one side and a credential on the other.
  const around = [
    '"name": "a"',
    ',\n        ',
    '\n',
    ' ',
    '=',
    '"',
    ':',
    '[',
    ']',
    '{',
    '}',
    '\\n',
    'AccountKey=',
    '"private_key": "',
    'aws_secret_access_key = ',
    '?sig=',
    '"users": [',
    '"clusters": [',
    '"kind": "Config",',
    `"token": "${'abcdefghij'.repeat(4)}"`,
    run(16, 2),
    run(40, 3),
    run(88, 4),
    `${run(60, 5)}\\n${run(60, 6)}`,
    b64('plain words of no secret at all, a harmless run'),
  ];
  const secrets = [...SECRET_SAMPLES.map((s) => JSON.stringify(s.text).slice(1, -1)), ...SECRET_SAMPLES.map((s) => b64(s.text))];
  const fragment = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...around) }, { weight: 1, arbitrary: fc.constantFrom(...secrets) });
  const text = fc.array(fragment, { maxLength: 5 }).map((parts) => parts.join(''));
  const joined = (stretches: string[], pieces: string[]) => stretches.map((s, i) => s + (pieces[i] ?? '')).join('');

  it('finds nothing in the whole file whenever every piece and the outline stand clean (property)', () => {
    let clean = 0;
    let found = 0;
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(text, { minLength: 4, maxLength: 4 }), (inner, stretches) => {
        const pieces = inner.map((t) => `{${t}}`);
        const whole = joined(stretches.slice(0, pieces.length + 1), pieces);
        const outline = joined(stretches.slice(0, pieces.length + 1), pieces.map(() => '{}'));
        const verdict = piecesClean(file, outline, pieces.map((t) => ({ text: t, clean: standsClean(t) })));
        const issues = scanFiles(new Map([[file, whole]]));
        if (verdict) clean++;
        if (issues.length) found++;
        if (verdict) expect(issues, whole).toStrictEqual([]);
      }),
      { numRuns: 1500 },
    );
    // Both kinds of file were made: the property is not true for want of either.
    expect(clean).toBeGreaterThan(100);
    expect(found).toBeGreaterThan(100);
  });

  it('is not clean when a piece or the outline holds a secret, a piece is not an object, or the file is YAML', () => {
    const entry = '{\n  "name": "a"\n}';
    const outline = '{\n  "clusters": [\n    {}\n  ]\n}\n';
    expect(piecesClean(file, outline, [{ text: entry, clean: standsClean(entry) }])).toBe(true);
    // The samples the scan finds inside a JSON string (an unarmoured GCP key is found after an unescaped `"private_key": "` only).
    for (const sample of SECRET_SAMPLES.filter((s) => findSecretMaterial(JSON.stringify(s.text)).length > 0)) {
      const withSecret = `{"value": ${JSON.stringify(sample.text)}}`;
      expect(piecesClean(file, outline, [{ text: withSecret, clean: standsClean(withSecret) }]), sample.label).toBe(false);
      expect(piecesClean(file, outline.replace('"clusters"', `"x": ${JSON.stringify(sample.text)}, "clusters"`), [{ text: entry, clean: true }]), sample.label).toBe(false);
    }
    expect(piecesClean(file, outline, [{ text: '"name": "a"', clean: true }])).toBe(false);
    expect(piecesClean('index.yaml', outline, [{ text: entry, clean: true }])).toBe(false);
    // A piece held as bytes (an entry taken from the incremental cache) is judged by them, its text never made.
    const held = (text: string) => ({ clean: true, bytes: Buffer.from(text), get text(): string { throw new Error('made text'); } });
    expect(piecesClean(file, outline, [held(entry)])).toBe(true);
    expect(piecesClean(file, outline, [held('"name": "a"')])).toBe(false);
    expect(piecesClean(file, outline, [held('{')])).toBe(false);
    // A kubeconfig's parts on both sides of a seam: the credential alone, `users:` only in the rest.
    const token = `{"token": "${'abcdefghij'.repeat(4)}"}`;
    const rest = '{"kind": "Config", "clusters": [], "users": [{}]}';
    expect(standsClean(token)).toBe(true);
    expect(piecesClean(file, rest, [{ text: token, clean: standsClean(token) }])).toBe(false);
    expect(scanFiles(new Map([[file, rest.replace('{}', token)]])).map((i) => i.kind)).toStrictEqual(['kubeconfig user token']);
  });
});

// Texts that scanned clean are kept between runs (lib/validate/valid-before.ts) and not scanned again;
// each run uses fresh modules and the file a previous one wrote.
describe('files that scanned clean before', () => {
  const scans = { count: 0 };
  /** The scan in fresh modules, reading and writing `file`, with its passes over a text counted. */
  async function freshScan(file: string) {
    vi.resetModules();
    vi.doMock('../../lib/model/secret-material.ts', async (original) => {
      const real = await original<typeof import('../../lib/model/secret-material.ts')>();
      return {
        ...real,
        findSecretMaterialParts: (...args: Parameters<typeof real.findSecretMaterialParts>) => (scans.count++, real.findSecretMaterialParts(...args)),
        standsClean: (...args: Parameters<typeof real.standsClean>) => (scans.count++, real.standsClean(...args)),
      };
    });
    const store = await import('../../lib/validate/valid-before.ts');
    store.useValidBefore(file);
    const scan = await import('../../lib/validate/secret-scan.ts');
    return { ...scan, save: store.saveValidBefore };
  }
  const fileIn = () => join(mkdtempSync(join(tmpdir(), 'meshfleet-scanned-clean-')), 'valid-before.bin');
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: ${b64('hunter2hunter2')}\n`;
  const files = new Map([
    ['env/c/manifests/links.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n'],
    ['env/c/manifests/secret.yaml', secret],
    ['env/c/index.json', '{"name":"c"}'],
  ]);
  afterEach(() => vi.doUnmock('../../lib/model/secret-material.ts'));

  it('are not scanned again by a later run, which reports the same issues in the same order', async () => {
    const file = fileIn();
    const first = await freshScan(file);
    const issues = first.scanUnseenFiles(files);
    expect(issues.map((i) => i.file)).toStrictEqual(['env/c/manifests/secret.yaml']);
    expect(issues).toStrictEqual(first.scanFiles(files));
    first.save();
    const next = await freshScan(file);
    scans.count = 0;
    expect(next.scanUnseenFiles(files)).toStrictEqual(issues);
    // The file with a finding only: it is scanned, and reported, every run.
    expect(scans.count).toBe(1);
  });

  it("keep index.json's outline that stood clean, and scan one that did not on every run", async () => {
    const file = fileIn();
    const entry = '{"name": "c", "linkerd": "2.19"}';
    const outline = '{"fleet": "f", "environments": [{"name": "dev", "clusters": [{}]}]}';
    const leaking = outline.replace('"fleet"', `"note": ${JSON.stringify(SECRET_SAMPLES[0]!.text)}, "fleet"`);
    const first = await freshScan(file);
    scans.count = 0;
    expect(first.piecesClean('index.json', outline, [{ text: entry, clean: true }])).toBe(true);
    expect(first.piecesClean('index.json', leaking, [{ text: entry, clean: true }])).toBe(false);
    expect(scans.count).toBe(2);
    first.save();
    const next = await freshScan(file);
    scans.count = 0;
    expect(next.piecesClean('index.json', outline, [{ text: entry, clean: true }])).toBe(true);
    expect(next.piecesClean('index.json', leaking, [{ text: entry, clean: true }])).toBe(false);
    // The leaking outline alone is scanned again; a piece that was not clean still decides first.
    expect(scans.count).toBe(1);
    expect(next.piecesClean('index.json', outline, [{ text: entry, clean: false }])).toBe(false);
  });

  it('are clean as what they were scanned as: YAML is read for Secret data, other files are not', async () => {
    const first = await freshScan(fileIn());
    expect(first.scanUnseenFiles(new Map([['env/c/notes.txt', secret]]))).toStrictEqual([]);
    expect(first.scanUnseenFiles(new Map([['env/c/manifests/secret.yaml', secret]])).map((i) => i.kind)).toStrictEqual(['Secret data']);
  });

  it('are set aside without hiding what a file wrapping them holds', async () => {
    const scan = await freshScan(fileIn());
    const body = files.get('env/c/manifests/links.yaml')!;
    const head = '{{- if .Values.links }}\n';
    const tail = `{{- end }}\n# ${b64(SECRET_SAMPLES[0]!.text)}\n`;
    const wrapping = new Map([
      ['env/c/mesh/templates/links.yaml', `${head}${goTemplateLiteral(body)}${tail}`],
      ['env/c/manifests/links.yaml', body],
    ]);
    const wrapped = new Map([['env/c/mesh/templates/links.yaml', { of: 'env/c/manifests/links.yaml', head, tail, escaped: true }]]);
    expect(scan.scanUnseenFiles(new Map([['env/c/manifests/links.yaml', body]]))).toStrictEqual([]);
    const issues = scan.scanUnseenFiles(wrapping, wrapped);
    expect(issues).toStrictEqual(scan.scanFiles(wrapping, wrapped));
    expect(issues.map((i) => i.file)).toStrictEqual(['env/c/mesh/templates/links.yaml']);
  });
});
