/**
 * `/metrics` on its own listener (design.md §9: WXBRIDGE_METRICS_PORT, never the public port), in
 * Prometheus text format. Anything but GET /metrics is 404; a failed collection is a 500 with no detail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

export async function listenForScrapes(deps: { port: number; host: string; source: MetricsSource; onError: (error: unknown) => void }): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape GET /metrics\n');
      return;
    }
    deps.source.render().then(
      (text) => { res.writeHead(200, { 'content-type': deps.source.contentType }).end(req.method === 'HEAD' ? undefined : text); },
      (error: unknown) => {
        deps.onError(error);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
  });
  // A scrape is one short request: no keep-alive sockets held between scrapes.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => { server.off('error', reject); resolve(); });
  });
  const { address, port } = server.address() as AddressInfo;
  const hostPart = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${hostPart}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => { resolve(); });
      server.closeAllConnections();
    }),
  };
}
