/**
 * The balancer of the HA run: deploy/haproxy/haproxy.cfg — the file compose mounts — with only its
 * marked blocks replaced for loopback (docker's DNS resolver out, the servers in, the error files' and
 * listener's places), so the run exercises the shipped policy: round robin, /readyz checks, retries.
 * Also reads haproxy's request log (option httplog) back: which server answered, retries, termination.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

const DEPLOYED_DIR = '/usr/local/etc/haproxy/';

export function haproxyConfig(options: { listenPort: number; servers: readonly { name: string; port: number }[] }): string {
  const shipped = readFileSync(join(ROOT, 'deploy/haproxy/haproxy.cfg'), 'utf8');
  const servers = options.servers.map(({ name, port }) => `  server ${name} 127.0.0.1:${String(port)}`).join('\n');
  const replaced = replaceBlock(replaceBlock(shipped, 'resolvers', ''), 'servers', servers)
    .replaceAll(DEPLOYED_DIR, `${join(ROOT, 'deploy/haproxy')}/`)
    .replace(/^(\s*)bind :8080$/m, `$1bind 127.0.0.1:${String(options.listenPort)}`);
  if (replaced.includes('bind :8080') || !replaced.includes(`127.0.0.1:${String(options.listenPort)}`)) throw new Error('haproxy.cfg: no `bind :8080` line to move to loopback');
  return replaced;
}

function replaceBlock(text: string, marker: string, content: string): string {
  const pattern = new RegExp(`^[ \\t]*# ${marker}:begin\\n[\\s\\S]*?^[ \\t]*# ${marker}:end\\n`, 'm');
  if (!pattern.test(text)) throw new Error(`deploy/haproxy/haproxy.cfg lost its "# ${marker}:begin/end" markers (scripts/ha-test relies on them)`);
  return text.replace(pattern, content === '' ? '' : `${content}\n`);
}

export interface LoggedRequest {
  readonly server: string;
  readonly status: number;
  /** haproxy's termination state (e.g. "----" normal, "SH--" server aborted during headers). */
  readonly termination: string;
  /** Connection retries; `redispatched` when a retry went to another server. */
  readonly retries: number;
  readonly redispatched: boolean;
  readonly method: string;
  readonly path: string;
}

// 127.0.0.1:5000 [29/Nov/2026:20:00:00.123] public wxbridge/w1 0/0/0/5/5 200 1234 - - ---- 1/1/0/0/+1 0/0 "POST /token HTTP/1.1"
const LINE = /\] \S+ \S+\/(\S+) \S+ (-?\d+) \S+ \S+ \S+ (\S{4}) \S+\/\S+\/\S+\/\S+\/(\+?)(\d+) \S+ "(\S+) (\S+)/;

export function parseHaproxyLog(text: string): LoggedRequest[] {
  return text.split('\n').flatMap((line) => {
    const match = LINE.exec(line);
    if (match === null) return [];
    const [, server = '', status = '0', termination = '', plus = '', retries = '0', method = '', path = ''] = match;
    return [{ server, status: Number(status), termination, retries: Number(retries), redispatched: plus === '+', method, path }];
  });
}
