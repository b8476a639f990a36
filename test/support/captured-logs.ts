/** A pino destination that keeps every log line, so tests can search all of them (house-style §7). */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.ts';
import { leakWatch } from './leak-watch.ts';

export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: string[];
}

export function captureLogs(level = 'debug'): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      callback();
    },
  });
  leakWatch.logs(() => lines);
  return { logger: createLogger({ level, destination }), lines };
}
