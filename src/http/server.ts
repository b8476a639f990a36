/**
 * The HTTP server: listens first (so that port 0 works and the issuer can name the real port),
 * then gets the app's request listener. Timeouts stop slow clients holding sockets
 * (test-catalogue H-04, H-05, H-07); stop() drains in-flight requests before it resolves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpTimeouts } from '../config.ts';

/** The defaults of config.ts (WXBRIDGE_HTTP_*_TIMEOUT_MS), for callers without a configuration. */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5000 };

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  handle(listener: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then closes every socket. */
  stop(graceMs: number): Promise<void>;
}

export async function listen(port: number, host?: string, timeouts: HttpTimeouts = DEFAULT_TIMEOUTS): Promise<HttpServer> {
  let listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let stopping = false;
  const inFlight = new Set<ServerResponse>();
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // node checks the two timeouts only this often (default 30 s): a slowloris socket would outlive them by that much.
    connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headersMs / 4))),
  }, (req, res) => {
    inFlight.add(res);
    res.once('close', () => { inFlight.delete(res); });
    if (stopping) res.setHeader('Connection', 'close');
    if (listener === undefined) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' }).end('{"error":"starting"}');
      return;
    }
    listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    handle(next) { listener = next; },
    async stop(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
      // A drained response must also end its keep-alive connection, or close() waits for keepAliveTimeout.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
      const timer = setTimeout(() => { server.closeAllConnections(); }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
