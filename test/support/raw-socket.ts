/**
 * A hand-driven HTTP/1.1 client on a raw socket, for what fetch cannot do: send headers or a body a
 * byte at a time, lie in Content-Length, idle on a keep-alive connection (test-catalogue C.12).
 */
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server (or we) closed the socket, with the time since connecting. */
  readonly closed: Promise<{ afterMs: number; received: string }>;
  /** Writes `text`, then every `intervalMs` one more character of `drip` until closed or exhausted. */
  drip(drip: string, intervalMs: number): void;
}

export async function openRaw(baseUrl: string): Promise<RawConnection> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = performance.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
  socket.on('error', () => undefined); // a reset after the server gave up is expected
  const closed = new Promise<{ afterMs: number; received: string }>((resolve) => {
    socket.once('close', () => { resolve({ afterMs: performance.now() - started, received: text }); });
  });
  let timer: NodeJS.Timeout | undefined;
  void closed.then(() => { clearInterval(timer); });
  return {
    socket,
    received: () => text,
    closed,
    drip(drip, intervalMs) {
      let index = 0;
      timer = setInterval(() => {
        if (index >= drip.length || socket.destroyed) {
          clearInterval(timer);
          return;
        }
        socket.write(drip[index] ?? '');
        index += 1;
      }, intervalMs);
    },
  };
}
