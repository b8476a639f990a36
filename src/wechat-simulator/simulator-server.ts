// The simulator's own node:http listener (wechat-api.md §14): binds 127.0.0.1:0 by default, and close()
// cancels pending delays and destroys keep-alive sockets so test teardown is prompt.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorUsageError } from './simulator-state.ts';
import type { Waiter } from './waiter.ts';

export interface SimulatorServer {
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${String(address.port)}`;
}

export function createSimulatorServer(deps: { readonly handle: RequestListener; readonly waiter: Waiter }): SimulatorServer {
  let server: Server | null = null;

  return {
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new SimulatorUsageError('the simulator is already listening');
      const created = createServer(deps.handle);
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', (error) => {
          server = null;
          reject(error);
        });
        created.listen(port, host, () => resolve());
      });
      return { url: formatUrl(created.address() as AddressInfo) };
    },
    async close() {
      deps.waiter.cancelAll();
      const running = server;
      server = null;
      if (!running) return;
      const closed = new Promise<void>((resolve) => running.close(() => resolve()));
      running.closeAllConnections();
      await closed;
    },
  };
}
