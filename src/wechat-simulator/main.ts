// Runs the WeChat simulator (wechat-api.md §14) as its own process, e.g. for benchmarks:
//   node src/wechat-simulator/main.ts --port 0 --host 127.0.0.1 --app wx01:secret:miniprogram[:openPlatformId] [--login-quota 100]
// Prints one JSON line `{"url":"http://…"}` once listening; stops on SIGTERM/SIGINT. Drive it via /__simulator/.
import { parseArgs } from 'node:util';
import { simulatedAppSchema } from './control-schemas.ts';
import { createWeChatSimulator, type SimulatedApp, type WeChatSimulator } from './wechat-simulator.ts';

export interface SimulatorCliOptions {
  readonly port: number;
  readonly host: string;
  readonly apps: readonly SimulatedApp[];
  /** jscode2session calls per (appid, user) per minute before 45011 (default 100; benchmarks raise it). */
  readonly perUserMinuteQuota?: number;
}

/** Parses `appid:secret:kind[:openPlatformId]`. */
export function parseAppSpec(spec: string): SimulatedApp {
  const [appId, secret, kind, openPlatformId, ...rest] = spec.split(':');
  if (rest.length > 0) throw new Error(`--app ${spec}: expected appid:secret:kind[:openPlatformId]`);
  const result = simulatedAppSchema.safeParse({ appId, secret, kind, ...(openPlatformId === undefined ? {} : { openPlatformId }) });
  if (!result.success) throw new Error(`--app ${spec}: expected appid:secret:kind[:openPlatformId] (${result.error.message})`);
  return result.data;
}

export function parseSimulatorArgs(args: readonly string[]): SimulatorCliOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      app: { type: 'string', multiple: true, default: [] },
      'login-quota': { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0–65535, got ${values.port}`);
  const quota = values['login-quota'] === undefined ? undefined : Number(values['login-quota']);
  if (quota !== undefined && !(Number.isInteger(quota) && quota >= 1)) throw new Error(`--login-quota must be a positive integer, got ${String(values['login-quota'])}`);
  return { port, host: values.host, apps: values.app.map(parseAppSpec), ...(quota === undefined ? {} : { perUserMinuteQuota: quota }) };
}

/** Starts a simulator for the given arguments and returns it with its URL. */
export async function startSimulatorFromArgs(args: readonly string[]): Promise<{ simulator: WeChatSimulator; url: string }> {
  const options = parseSimulatorArgs(args);
  const simulator = createWeChatSimulator(options.perUserMinuteQuota === undefined ? {} : { perUserMinuteQuota: options.perUserMinuteQuota });
  for (const app of options.apps) simulator.registerApp(app);
  const { url } = await simulator.listen(options.port, options.host);
  return { simulator, url };
}

async function main(): Promise<void> {
  const { simulator, url } = await startSimulatorFromArgs(process.argv.slice(2));
  const stop = (): void => {
    void simulator.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`wechat-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
