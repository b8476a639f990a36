/**
 * Secrets scan over the whole integration suite (test-catalogue S-01, W-10; issue #7 item 6). Every
 * test file records, through test/support/leak-watch-setup.ts and the harness (startTestApp,
 * captureLogs, the process and CLI helpers), every secret it comes across — master keys, AppSecrets,
 * session keys, WeChat access tokens, client secrets, refresh/access/ID tokens, login codes — every
 * log line wxbridge wrote and every response it sent; after the file, none of the secrets may appear
 * in a log line, and none that must never leave wxbridge may appear in a response (a client secret
 * only in the one response that created or rotated it).
 */
export type SecretKind =
  | 'master key' | 'app secret' | 'session key' | 'wechat access token' | 'client secret'
  | 'refresh token' | 'access token' | 'id token' | 'login code';

/** Kinds that no response of wxbridge may carry (tokens and codes are answers by design). */
const NEVER_IN_RESPONSES: ReadonlySet<SecretKind> = new Set(['master key', 'app secret', 'session key', 'wechat access token', 'client secret']);
/**
 * Values that do not look like secrets are test placeholders or fuzz input ("p", "openid profile",
 * "xxxx…") that would match innocent text by chance.
 */
const looksSecret = (value: string): boolean => value.length >= 12 && !/\s/.test(value) && new Set(value).size >= 6;

interface Recorded { readonly text: string; readonly revealsClientSecret: boolean }

type FormIndex = Map<string, { form: string; secret: string }[]>;

interface WatchState {
  readonly secrets: Map<string, SecretKind>;
  /** The secrets' forms by prefix, kept up to date as secrets arrive (a long fuzz run learns ~10^5). */
  readonly index: FormIndex;
  readonly responses: Recorded[];
  readonly logSources: (() => readonly string[])[];
  readonly pending: Set<Promise<unknown>>;
}

const KEY = Symbol.for('wxbridge.leak-watch');
// One watch per test file, shared by every module instance that file loads (setup file and harness).
const globals = globalThis as { [KEY]?: WatchState | undefined };

function state(): WatchState {
  const watch = globals[KEY] ?? { secrets: new Map(), index: new Map(), responses: [], logSources: [], pending: new Set() };
  globals[KEY] = watch;
  return watch;
}

export const leakWatch = {
  secret(kind: SecretKind, value: unknown): void {
    if (typeof value === 'string' && looksSecret(value) && !state().secrets.has(value)) {
      state().secrets.set(value, kind);
      indexForms(state().index, value);
    }
  },
  /** Lines wxbridge logged (read when the file ends, so lines written later count too). */
  logs(read: () => readonly string[]): void {
    state().logSources.push(read);
  },
  /** Something wxbridge answered; `revealsClientSecret` for the creation/rotation answers. */
  response(text: string, revealsClientSecret = false): void {
    state().responses.push({ text, revealsClientSecret });
  },
  /** Work (reading a response body) to finish before the scan. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined).finally(() => state().pending.delete(tracked));
    state().pending.add(tracked);
  },
};

/** A secret as written plainly and in the encodings a careless log line or URL would use. */
function encodings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/')]);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(secret) && secret.length % 4 === 0) {
    const bytes = Buffer.from(secret, 'base64');
    forms.add(bytes.toString('hex'));
    forms.add(bytes.toString('base64url'));
  }
  return [...forms];
}

export interface LeakFinding {
  readonly kind: SecretKind;
  readonly where: 'log' | 'response';
  readonly hint: string;
  /** drainLeaks() only: the log line or response that held it, the secret replaced by «secret». */
  readonly context?: string;
}

export interface LeakInput {
  readonly secrets: ReadonlyMap<string, SecretKind>;
  readonly logs: string;
  /** Responses that must carry no secret of NEVER_IN_RESPONSES. */
  readonly responses: string;
  /** The responses that created or rotated a client secret (which they may show). */
  readonly creations: string;
}

const PREFIX = 12; // no secret is shorter (looksSecret), and no encoding makes one shorter

function indexForms(index: FormIndex, secret: string): void {
  for (const form of encodings(secret)) {
    const key = form.slice(0, PREFIX);
    const entries = index.get(key) ?? [];
    entries.push({ form, secret });
    index.set(key, entries);
  }
}

/** Every form of every secret, by its first PREFIX characters: one pass over a text finds them all. */
function formIndex(secrets: ReadonlyMap<string, SecretKind>): FormIndex {
  const index: FormIndex = new Map();
  for (const secret of secrets.keys()) indexForms(index, secret);
  return index;
}

/** The secrets any of whose forms occur in `text` (the same answer as `text.includes(form)` for each). */
function secretsIn(text: string, index: FormIndex): Set<string> {
  const found = new Set<string>();
  for (let at = 0; at + PREFIX <= text.length; at += 1) {
    const entries = index.get(text.slice(at, at + PREFIX));
    if (entries === undefined) continue;
    for (const { form, secret } of entries) if (text.startsWith(form, at)) found.add(secret);
  }
  return found;
}

/** Every secret found where it must not be; the hint shows only a secret's first characters. */
export function findLeaks(input: LeakInput, index: FormIndex = formIndex(input.secrets)): LeakFinding[] {
  const findings: LeakFinding[] = [];
  const inLogs = secretsIn(input.logs, index);
  const inResponses = secretsIn(input.responses, index);
  const inCreations = secretsIn(input.creations, index);
  for (const [secret, kind] of input.secrets) {
    const hint = `${secret.slice(0, 4)}…`;
    if (inLogs.has(secret)) findings.push({ kind, where: 'log', hint });
    if (NEVER_IN_RESPONSES.has(kind) && (inResponses.has(secret) || (kind !== 'client secret' && inCreations.has(secret)))) findings.push({ kind, where: 'response', hint });
  }
  return findings;
}

/** Waits for pending reads (at most `waitMs`), then searches everything this file recorded. */
export async function scanForLeaks(waitMs = 3000): Promise<{ findings: LeakFinding[]; secrets: number; kinds: Partial<Record<SecretKind, number>>; logLines: number; responses: number }> {
  const watch = state();
  await Promise.race([Promise.all([...watch.pending]), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  const lines = watch.logSources.flatMap((read) => read());
  const findings = findLeaks({
    secrets: watch.secrets,
    logs: lines.join('\n'),
    responses: watch.responses.filter((r) => !r.revealsClientSecret).map((r) => r.text).join('\n'),
    creations: watch.responses.filter((r) => r.revealsClientSecret).map((r) => r.text).join('\n'),
  }, watch.index);
  const kinds: Partial<Record<SecretKind, number>> = {};
  for (const kind of watch.secrets.values()) kinds[kind] = (kinds[kind] ?? 0) + 1;
  return { findings, secrets: watch.secrets.size, kinds, logLines: lines.length, responses: watch.responses.length };
}

/**
 * A scan of everything recorded since the last drain, which is then forgotten (the log lines too;
 * the secrets are kept): `npm run fuzz` drains every few hundred cases of a long run.
 */
export async function drainLeaks(): Promise<LeakFinding[]> {
  const watch = state();
  const { findings } = await scanForLeaks();
  const withContext = findings.map((finding) => ({ ...finding, context: contextOf(watch, finding) }));
  watch.responses.length = 0;
  for (const read of watch.logSources) (read() as string[]).length = 0;
  return withContext;
}

/** Where a finding was seen, for the report of a long run (which cannot keep every line to search later). */
function contextOf(watch: WatchState, finding: LeakFinding): string {
  const texts = finding.where === 'log' ? watch.logSources.flatMap((read) => read()) : watch.responses.map((r) => r.text);
  for (const [secret, kind] of watch.secrets) {
    if (kind !== finding.kind || `${secret.slice(0, 4)}…` !== finding.hint) continue;
    const forms = encodings(secret);
    const text = texts.find((candidate) => forms.some((form) => candidate.includes(form)));
    if (text !== undefined) return forms.reduce((redacted, form) => redacted.replaceAll(form, '«secret»'), text).slice(0, 600);
  }
  return '';
}
