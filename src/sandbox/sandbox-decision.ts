/**
 * Whether this wxbridge runs the sandbox (design.md §7, §8), and why — said at every start, since
 * configuring a real app turns `auto` off at the next one (issue 18 #5). While it is off, the demo
 * client is refused at the token endpoint with that reason instead of sending codes to real WeChat.
 */
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import { listConfiguredAppIds } from '../wechat-apps/wechat-app-registry.ts';
import { SANDBOX_APP_ID, SANDBOX_APP_IDS, SANDBOX_CLIENT_ID, startSandboxSimulator, type SandboxSimulator, type SandboxSimulatorRef } from './sandbox.ts';

export interface SandboxDecision {
  readonly on: boolean;
  readonly reason: string;
}

type SandboxConfig = { readonly env: string; readonly sandbox: 'on' | 'off' | 'auto' };

/** design.md §7: `auto` is on outside production while no real WeChat app is configured (the sandbox's own apps do not count). */
export async function decideSandbox(config: SandboxConfig, configuredAppIds: () => Promise<readonly string[]>): Promise<SandboxDecision> {
  if (config.sandbox === 'on') return { on: true, reason: 'WXBRIDGE_SANDBOX=1' };
  if (config.sandbox === 'off') return { on: false, reason: 'WXBRIDGE_SANDBOX=0' };
  if (config.env === 'production') return { on: false, reason: 'NODE_ENV=production (WXBRIDGE_SANDBOX=auto never runs it there)' };
  const real = (await configuredAppIds()).filter((appId) => !SANDBOX_APP_IDS.includes(appId));
  if (real.length === 0) return { on: true, reason: 'no WeChat app is configured (WXBRIDGE_SANDBOX=auto)' };
  return { on: false, reason: `WeChat app ${real.join(', ')} is configured (WXBRIDGE_SANDBOX=auto turns the sandbox off then; WXBRIDGE_SANDBOX=1 keeps it on)` };
}

/** The token endpoint's answer to the demo client while the sandbox is off. */
export const SANDBOX_OFF_DESCRIPTION = `${SANDBOX_CLIENT_ID} is the sandbox's demo client and the sandbox is off; `
  + 'start wxbridge with WXBRIDGE_SANDBOX=1 to use it, or log in with a client of a real WeChat app';

/**
 * The simulator this process uses, if the sandbox is on: the primary's (`shared`, worker mode), none
 * (`shared` null: the primary decided it is off), or one started here when this process decides so,
 * logging the decision and its reason.
 */
export async function openSandboxSimulator(config: SandboxConfig, orm: Orm, shared: SandboxSimulatorRef | null | undefined, logger: Logger): Promise<SandboxSimulator | undefined> {
  if (shared === null) return undefined;
  if (shared !== undefined) return { ...shared, close: () => Promise.resolve() };
  const appIds = await listConfiguredAppIds(orm.em.fork());
  const decision = await decideSandbox(config, () => Promise.resolve(appIds));
  if (decision.on) {
    logger.info({ sandbox: true, reason: decision.reason }, `sandbox on: ${decision.reason}`);
    return startSandboxSimulator();
  }
  // A sandbox that was on before leaves its demo app and client behind: say what happens to them.
  const leftOver = appIds.includes(SANDBOX_APP_ID);
  logger[leftOver ? 'warn' : 'info']({ sandbox: false, reason: decision.reason }, `sandbox off: ${decision.reason}${leftOver ? `; its client ${SANDBOX_CLIENT_ID} is refused until it is on again` : ''}`);
  return undefined;
}
