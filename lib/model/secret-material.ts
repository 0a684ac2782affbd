// The one definition of secret material, used on the fleet input (lib/model/validate-document.ts,
// the trust anchor) and on every file meshfleet writes (lib/validate/secret-scan.ts). It finds:
// private keys (PEM of every kind, PGP and PuTTY blocks, headerless DER/PKCS#8 bodies, OpenSSH
// bodies), kubeconfigs carrying user credentials (YAML block or flow, JSON), cloud and SaaS tokens
// (AWS, GCP service-account keys, Azure storage keys and SAS signatures, GitHub, GitLab, Slack) and
// JWT-shaped bearer tokens; each also when base64-encoded (twice at most). Public certificates and
// public keys are not secret and are not reported. A finding never carries the secret itself: only
// where it starts and a short fingerprint to tell two findings apart.
import { createHash } from 'node:crypto';

export interface SecretFinding {
  /** Offset in the scanned text where the secret (or the base64 run holding it) starts. */
  readonly index: number;
  /** What was found, for messages ("EC private key", "kubeconfig user token", …). */
  readonly kind: string;
  /** "sha256:" and the first 8 hex digits of the secret's SHA-256. */
  readonly fingerprint: string;
  /** Found inside a base64 run (the index is the run's). */
  readonly encoded: boolean;
}

/** First 8 hex digits of the SHA-256: enough to match a finding with its source, useless to an attacker. */
export function fingerprintOf(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

/** Every piece of secret material in `text`, in order of position. */
export function findSecretMaterial(text: string): readonly SecretFinding[] {
  if (!mayHoldSecretMaterial(text)) return NOTHING;
  const { text: whole, runs } = findSecretMaterialParts(text);
  return whole.concat(runs).sort((a, b) => a.index - b.index);
}

const NOTHING: readonly SecretFinding[] = Object.freeze([]);

/**
 * Whether the text is long enough for any rule to find something in it: most strings of a fleet
 * document (keys, names, versions) are not, and a walk over a document's ~200,000 strings (1000
 * clusters) skips them without a call.
 */
export function mayHoldSecretMaterial(text: string): boolean {
  return text.length >= MIN_FINDING;
}

/**
 * findSecretMaterial's findings in two parts, each in the order found: those of the rules that read
 * the text around a match (armoured and PuTTY keys, Slack webhooks, kubeconfigs), and those of the
 * base64 runs, whose checks read only the run, the character before it, the 48 before that and
 * wrapped continuation lines (so they can be moved to another text holding the same runs).
 * With `runs: false`, the runs are not read (their part is empty).
 */
export function findSecretMaterialParts(text: string, options: { readonly runs?: boolean } = {}): { text: SecretFinding[]; runs: SecretFinding[] } {
  const parts = { text: [] as SecretFinding[], runs: [] as SecretFinding[] };
  if (!mayHoldSecretMaterial(text)) return parts;
  scan(text, 0, reportInto(parts.text), options.runs === false ? null : reportInto(parts.runs));
  return parts;
}

/**
 * True when findSecretMaterial finds nothing in the text and it holds no marker of the rules that
 * read far beyond a match (an armoured or PuTTY key: up to 4096 characters on; a kubeconfig
 * credential: `users:` within 8 KB). Then, in a text that holds it whole between a `{` and a `}` of
 * its own (a JSON object set into a JSON file), the scan finds nothing in it, and the rest of that
 * text is scanned as well with `{}` in its place: every other rule matches no brace, and reads
 * around a match only up to a brace (a run and its tokens, the 48 characters before a run to a key
 * such as `AccountKey=` (end-anchored), the character before it, wrapped lines after it, a Slack
 * webhook URL), so it sees the same characters either way (lib/validate/secret-scan.ts piecesClean).
 */
export function standsClean(text: string): boolean {
  if (FAR_READING_MARKERS.some((marker) => text.includes(marker))) return false;
  const { text: found, runs } = findSecretMaterialParts(text);
  return found.length === 0 && runs.length === 0;
}

// Module-level functions, not closures made per call: the build keeps function names, which costs
// a property definition for every named closure made.
function reportInto(list: SecretFinding[]): Report {
  return (index, kind, secret) => list.push({ index, kind, fingerprint: fingerprintOf(secret), encoded: kind.includes('base64-encoded') });
}

type Report = (index: number, kind: string, secret: string) => void;

// What scan() looks for before running the rules that read far beyond a match (standsClean).
const ARMOURED_MARKER = 'PRIVATE KEY';
const PUTTY_MARKER = 'PuTTY-User-Key-File-';
const USERS_MARKER = 'users';
const FAR_READING_MARKERS = [ARMOURED_MARKER, PUTTY_MARKER, USERS_MARKER];

// Armoured private keys: RSA, EC, DSA, OPENSSH, ENCRYPTED, plain PKCS#8, SSH2 ENCRYPTED and PGP
// PRIVATE KEY BLOCK; never CERTIFICATE or PUBLIC KEY.
const PEM_PRIVATE = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
const PUTTY = /PuTTY-User-Key-File-\d+:[^\n]*/g;

// A kubeconfig credential: a user's token, password, client key or auth-provider token, in YAML
// (block or flow) or JSON. Only reported near kubeconfig structure (users and clusters/Config).
// Sticky: tried only where a key word stands (kubeconfigCandidates), not at every blank of the text.
const KUBECONFIG_CREDENTIAL = /(?:^|[\s{,])(?:\\*["'])?(token|password|client-key-data|client-key|id-token|refresh-token|access-token)(?:\\*["'])?\s*:[ \t]*(\\*"(?:(?!\\*")[^\n])*\\*"|'[^'\n]*'|[^\n]*)/my;
// Every key above contains one of these words; the prefixes are those of "…-token".
const KUBECONFIG_WORD = /token|password|client-key/g;
const TOKEN_PREFIXES = ['id-', 'refresh-', 'access-'];
const KUBECONFIG_NEAR = 8192;
// Quotes may be escaped (a JSON kubeconfig inside a JSON string).
const USERS = /users(?:\\*["'])?\s*:/;
const CLUSTERS_OR_CONFIG = /(?:clusters|current-context)(?:\\*["'])?\s*:|kind(?:\\*["'])?\s*:\s*(?:\\*["'])?Config\b/;

/**
 * Tokens are long runs of base64/base64url characters, so one pass finds the runs of 16 or more
 * (probing every 16th character, which skips most text without looking at it) and each run is
 * checked for the token shapes and, when long, decoded as base64. Over 100 MB of output this is one
 * cheap loop instead of a regular expression per token kind.
 */
// Per ASCII code: 0 outside runs, else RUN plus what the run finder notes about the run on its way
// (upper case, lower case, a '/' or '+' after which a token may start), so a run is read once.
const RUN = 1;
const UPPER = 2;
const LOWER = 4;
const SEPARATOR = 8;
const MIXED_CASE = UPPER | LOWER;
const RUN_CHAR = new Uint8Array(128);
for (const c of '0123456789_-') RUN_CHAR[c.charCodeAt(0)] = RUN;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') RUN_CHAR[c.charCodeAt(0)] = RUN | UPPER;
for (const c of 'abcdefghijklmnopqrstuvwxyz') RUN_CHAR[c.charCodeAt(0)] = RUN | LOWER;
for (const c of '+/') RUN_CHAR[c.charCodeAt(0)] = RUN | SEPARATOR;
const MIN_RUN = 16;
// The shortest text any rule finds something in: a run (MIN_RUN); an armoured key, a PuTTY key, a
// Slack webhook and a kubeconfig credential (`users:`, `kind:Config` and `token:x` at least) are longer.
const MIN_FINDING = MIN_RUN;
// Base64 of a 20-character key id is 28 characters; shorter runs are not decoded.
const MIN_BASE64 = 24;
const MAX_DEPTH = 2;

const SLASH = 0x2f;
const PLUS = 0x2b;
/** RUN and the character's notes, or 0. */
const runChar = (code: number) => (code < 128 ? RUN_CHAR[code]! : 0);

// Token shapes, tried at the start of a run and after each '/' or '+' inside it (URLs, paths).
const TOKENS: readonly { readonly kind: string; readonly first: string; readonly pattern: RegExp }[] = [
  { kind: 'AWS access key id', first: 'A', pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9_-])/y },
  { kind: 'GitHub token', first: 'g', pattern: /gh[pousr]_[A-Za-z0-9]{36,}/y },
  { kind: 'GitHub fine-grained token', first: 'g', pattern: /github_pat_[A-Za-z0-9_]{60,}/y },
  { kind: 'GitLab token', first: 'g', pattern: /gl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}/y },
  { kind: 'Slack token', first: 'x', pattern: /x(?:ox[abposr]|app)-[A-Za-z0-9-]{10,}/y },
  // header.payload.signature, both JSON objects base64url-encoded: `{"` encodes to "eyJ".
  { kind: 'JWT bearer token', first: 'e', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/y },
];

const TOKEN_FIRST = new Uint8Array(128);
for (const t of TOKENS) TOKEN_FIRST[t.first.charCodeAt(0)] = 1;

// Secrets known by what precedes them: `AccountKey=<run>`, `"private_key": "<run>`, …; `after` is
// the character just before the run (a cheap gate), `length` the run's exact length if fixed.
const PRECEDED: readonly { readonly kind: string; readonly after?: string; readonly length?: number; readonly before: RegExp }[] = [
  { kind: 'Azure storage account key', after: '=', before: /AccountKey=$/ },
  { kind: 'Azure shared access key', after: '=', before: /SharedAccessKey=$/ },
  { kind: 'Azure SAS signature', after: '=', before: /[?&;]sig=$/ },
  { kind: 'GCP service-account private key', after: '"', before: /"private_key"\s*:\s*"$/ },
  { kind: 'AWS secret access key', length: 40, before: /secret[_-]?access[_-]?key["']?\s*[:=]\s*["']?$/i },
];
const SLACK_WEBHOOK = /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g;

/** `runsReport`: where the base64 runs' findings go (null: the runs are not read). */
function scan(text: string, depth: number, report: Report, runsReport: Report | null = report): void {
  // Armoured blocks already reported; their bodies are not reported again as headerless keys.
  const armoured: [number, number][] = [];
  if (text.includes(ARMOURED_MARKER)) {
    PEM_PRIVATE.lastIndex = 0;
    for (let m = PEM_PRIVATE.exec(text); m; m = PEM_PRIVATE.exec(text)) {
      const found = text.indexOf('-----END', m.index + m[0].length);
      const end = found === -1 ? m.index + 4096 : found;
      armoured.push([m.index, end]);
      report(m.index, `${m[1] ?? ''}private key${m[2] ? ' block' : ''}`, text.slice(m.index, end));
    }
  }
  if (text.includes(PUTTY_MARKER)) {
    PUTTY.lastIndex = 0;
    for (let m = PUTTY.exec(text); m; m = PUTTY.exec(text)) report(m.index, 'PuTTY private key', text.slice(m.index, m.index + 4096));
  }
  if (text.includes('hooks.slack.com/services/')) {
    SLACK_WEBHOOK.lastIndex = 0;
    for (let m = SLACK_WEBHOOK.exec(text); m; m = SLACK_WEBHOOK.exec(text)) report(m.index, 'Slack webhook URL', m[0]);
  }
  if (text.includes(USERS_MARKER) && USERS.test(text)) scanKubeconfig(text, report);
  if (runsReport) scanRuns(text, depth, armoured, runsReport);
}

function scanRuns(text: string, depth: number, armoured: readonly [number, number][], report: Report): void {
  const n = text.length;
  let i = 0;
  while (i + MIN_RUN <= n) {
    const probe = i + MIN_RUN - 1;
    let notes = runChar(text.charCodeAt(probe));
    if (notes === 0) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    for (let c; start > i && (c = runChar(text.charCodeAt(start - 1))) !== 0; start--) notes |= c;
    let end = probe + 1;
    for (let c; end < n && (c = runChar(text.charCodeAt(end))) !== 0; end++) notes |= c;
    if (end - start >= MIN_RUN && (armoured.length === 0 || !armoured.some(([from, to]) => start >= from && start < to))) end = checkRun(text, start, end, notes, depth, report);
    i = end + 1;
  }
}

/**
 * Checks one run (`notes`: its characters' RUN_CHAR bits ORed); returns where scanning goes on
 * (past a JWT or a wrapped base64 block).
 */
function checkRun(text: string, start: number, end: number, notes: number, depth: number, report: Report): number {
  // Without a '/' or '+' inside, a token can only start where the run does.
  const last = (notes & SEPARATOR) === 0 ? start + 1 : end;
  for (let at = start; at < last; at++) {
    if (at > start) {
      const before = text.charCodeAt(at - 1);
      if (before !== SLASH && before !== PLUS) continue;
    }
    const first = text.charCodeAt(at);
    if (first >= 128 || TOKEN_FIRST[first] !== 1) continue;
    for (const token of TOKENS) {
      if (token.first.charCodeAt(0) !== first) continue;
      token.pattern.lastIndex = at;
      const m = token.pattern.exec(text);
      if (m) {
        report(at, token.kind, m[0]);
        return Math.max(end, at + m[0].length);
      }
    }
  }
  const after = text[start - 1];
  if (after !== '=' && after !== '"' && end - start !== 40 && end - start < MIN_BASE64) return end;
  for (const rule of PRECEDED) {
    if (rule.after !== undefined && rule.after !== after) continue;
    if (rule.length !== undefined && rule.length !== end - start) continue;
    if (rule.before.test(text.slice(Math.max(0, start - 48), start))) {
      report(start, rule.kind, text.slice(start, end));
      return end;
    }
  }
  // Base64 of anything has upper and lower case letters; names, hashes and digests usually do not.
  if (end - start < MIN_BASE64 || depth >= MAX_DEPTH || (notes & MIXED_CASE) !== MIXED_CASE) return end;
  // Wrapped over indented lines (YAML block scalars) or escaped newlines (JSON strings).
  let stop = end;
  for (;;) {
    while (stop < text.length && text[stop] === '=') stop++;
    const wrap = WRAPPED_LINE.exec(text.slice(stop, stop + 200));
    if (!wrap) break;
    stop += wrap[0].length;
  }
  const run = text.slice(start, stop);
  // camelCase names (targetClusterLinkerdNamespace) repeat in every cluster and decode to nothing.
  if (depth === 0 && harmlessRuns.has(run)) return stop;
  let found = false;
  checkBase64(run, start, depth, (index, kind, secret) => {
    found = true;
    report(index, kind, secret);
  });
  if (depth === 0 && !found && run.length <= 256) {
    if (harmlessRuns.size >= 50_000) harmlessRuns.clear();
    harmlessRuns.add(run);
  }
  return stop;
}

// The next line of a wrapped base64 block: only base64 up to the line's (or the JSON string's) end,
// so that the next key of a map (`  other: x`) is not taken for the rest of a short base64 value.
const WRAPPED_LINE = /^(?:\\n|\r?\n[ \t]*)([A-Za-z0-9+/_-]{4,}=*)(?=[ \t]*(?:\r?\n|\\n|\\?["']|$))/;

// Runs whose base64 decoding held no secret material (what checkBase64 finds depends on the run alone).
const harmlessRuns = new Set<string>();

function checkBase64(run: string, at: number, depth: number, report: Report): void {
  const clean = run.replace(/\\n|\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const head = Buffer.from(clean.slice(0, 64), 'base64');
  const key = derPrivateKey(head);
  if (key) {
    report(at, `headerless ${key}`, clean);
    return;
  }
  if (!looksLikeText(head)) return;
  scan(Buffer.from(clean, 'base64').toString('latin1'), depth + 1, (_, kind, secret) =>
    report(at, kind.startsWith('base64-encoded ') ? `doubly ${kind}` : `base64-encoded ${kind}`, secret),
  );
}

/**
 * Every offset where a KUBECONFIG_CREDENTIAL match can start, ascending: just before or at each key
 * word, and before the quotes and backslashes that may precede it. Trying the sticky pattern at
 * these offsets, skipping those inside an earlier match, finds exactly what a global search finds.
 */
function kubeconfigCandidates(text: string): Int32Array {
  const starts: number[] = [];
  // One pass for all the words (no word overlaps another or itself, so none is missed).
  KUBECONFIG_WORD.lastIndex = 0;
  for (let m = KUBECONFIG_WORD.exec(text); m; m = KUBECONFIG_WORD.exec(text)) {
    const at = m.index;
    addCandidates(text, at, starts);
    if (m[0] === 'token') for (const prefix of TOKEN_PREFIXES) if (text.startsWith(prefix, at - prefix.length)) addCandidates(text, at - prefix.length, starts);
  }
  // A typed array sorts numbers as numbers, without a comparison callback.
  return Int32Array.from(starts.filter((at) => at >= 0)).sort();
}

/** Just before and at a key word, and before the quotes and backslashes that may precede it. */
function addCandidates(text: string, key: number, starts: number[]): void {
  starts.push(key - 1, key);
  const quote = text.charCodeAt(key - 1);
  if (quote === 0x22 || quote === 0x27) {
    let from = key - 1;
    while (from > 0 && text.charCodeAt(from - 1) === 0x5c) from--;
    starts.push(from - 1, from);
  }
}

function scanKubeconfig(text: string, report: Report): void {
  let next = 0;
  for (const candidate of kubeconfigCandidates(text)) {
    if (candidate < next) continue;
    KUBECONFIG_CREDENTIAL.lastIndex = candidate;
    const m = KUBECONFIG_CREDENTIAL.exec(text);
    if (!m) continue;
    next = m.index + m[0].length;
    const raw = m[2]!.trim();
    // A template placeholder ("{{ .token }}", Helm-escaped or not) is filled in-cluster by External Secrets.
    if (/^\{\{.*\}\}$/.test(raw)) continue;
    // Unquoted: up to a comment, or the end of a flow collection or entry.
    const value = (/^\\*"/.test(raw) ? raw.replace(/^\\*"/, '').replace(/\\*"[^]*$/, '') : /^'/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s#.*$|[,}\]].*$/, '')).trim();
    if (value === '' || value === 'null' || value === '~' || /^[|>][-+0-9]*$/.test(value) || /^\{\{.*\}\}$/.test(value)) continue;
    const around = text.slice(Math.max(0, m.index - KUBECONFIG_NEAR), m.index + KUBECONFIG_NEAR);
    if (!USERS.test(around) || !CLUSTERS_OR_CONFIG.test(around)) continue;
    report(m.index + m[0].indexOf(m[1]!), `kubeconfig user ${m[1]}`, value);
  }
}

/** Printable ASCII (and whitespace) in the first bytes: worth scanning as text. */
function looksLikeText(bytes: Buffer): boolean {
  for (const b of bytes) {
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b > 0x7e) return false;
  }
  return bytes.length > 0;
}

const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
// PKCS#5 PBES2 and PKCS#12 PBE algorithm identifiers: the start of an encrypted PKCS#8 key.
const ENCRYPTED_PKCS8_OIDS = [Buffer.from('06092a864886f70d01050d', 'hex'), Buffer.from('060a2a864886f70d010c01', 'hex')];

/**
 * A DER private key without its PEM armour: PKCS#8 (version 0 or 1, then an AlgorithmIdentifier),
 * PKCS#1 RSA or DSA (version 0, then an INTEGER), SEC1 EC (version 1, then an OCTET STRING),
 * encrypted PKCS#8, or an OpenSSH key body. Certificates and public keys start with a nested
 * SEQUENCE instead and are not matched.
 */
function derPrivateKey(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return 'OpenSSH private key';
  if (bytes[0] !== 0x30 || bytes.length < 16) return undefined;
  let p = 1;
  const len = bytes[p]!;
  if (len === 0x81) p += 2;
  else if (len === 0x82) p += 3;
  else if (len < 0x80) p += 1;
  else return undefined;
  const [a, b, c, d] = [bytes[p], bytes[p + 1], bytes[p + 2], bytes[p + 3]];
  if (a === 0x02 && b === 0x01 && (c === 0x00 || c === 0x01) && d === 0x30) return 'PKCS#8 private key';
  if (a === 0x02 && b === 0x01 && c === 0x00 && d === 0x02) return 'PKCS#1 private key';
  if (a === 0x02 && b === 0x01 && c === 0x01 && d === 0x04) return 'SEC1 EC private key';
  if (a === 0x30) {
    const head = bytes.subarray(p, p + 24);
    if (ENCRYPTED_PKCS8_OIDS.some((oid) => head.includes(oid))) return 'encrypted PKCS#8 private key';
  }
  return undefined;
}

/** 1-based line of an offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}
