/** Process entry: config → listen → createApp → serve; SIGTERM/SIGINT drain and close everything. */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { listen } from './http/server.ts';
import { createLogger } from './logger.ts';

const config = (() => {
  try {
    return loadConfig(process.env, { configDir: new URL('../config', import.meta.url).pathname });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78); // EX_CONFIG
  }
})();

const logger = createLogger(config.log);
const http = await listen(config.http.port);
const app = await createApp(config, { listeningPort: http.port, logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'wxbridge failed to start');
  process.exit(1);
});
http.handle(app.callback);
logger.info({ port: http.port, issuer: app.issuer }, `wxbridge listening on ${app.issuer}`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: draining in-flight requests');
  await http.stop(config.http.shutdownTimeoutMs);
  await app.close();
  logger.info('stopped');
  logger.flush();
  process.exit(0);
}
process.on('SIGTERM', () => { void shutdown('SIGTERM'); });
process.on('SIGINT', () => { void shutdown('SIGINT'); });
