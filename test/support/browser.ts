/**
 * A real browser for page tests (house-style §13): finds Chromium (CHROMIUM_PATH, a system Chromium or
 * Chrome, else Playwright's own download), launches it headless through playwright-core, opens pages as
 * a given client (WeChat, its HarmonyOS build, WeCom, desktop Chrome) in a given language, saves
 * screenshots under test-results/screenshots/ and runs axe-core on a page.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join, resolve } from 'node:path';
import type { AxeResults, ImpactValue } from 'axe-core';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';

const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Headless and quiet: no GPU, no QUIC, no first-run, update or sync traffic of its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '');
  return dirs.flatMap((dir) => BROWSER_COMMANDS.map((command) => join(dir, command))).find((candidate) => existsSync(candidate));
}

function playwrightDownload(): string | undefined {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface BrowserSearch {
  readonly env?: NodeJS.ProcessEnv;
  readonly systemPaths?: readonly string[];
  readonly bundled?: () => string | undefined;
}

/** The browser to run: CHROMIUM_PATH, else a system Chromium/Chrome, else Playwright's download; else one line saying how to get one. */
export function findChromium(search: BrowserSearch = {}): string {
  const env = search.env ?? process.env;
  const configured = env['CHROMIUM_PATH'];
  if (configured !== undefined && configured !== '') {
    if (existsSync(configured)) return configured;
    throw new Error(`CHROMIUM_PATH=${configured} does not exist: point it at a Chromium or Chrome binary`);
  }
  const found = (search.systemPaths ?? SYSTEM_BROWSERS).find((path) => existsSync(path)) ?? onPath(env) ?? (search.bundled ?? playwrightDownload)();
  if (found === undefined) throw new Error('no Chromium found: apt-get install chromium, or set CHROMIUM_PATH=/path/to/chrome');
  return found;
}

/** A headless Chromium; launch() gives it a fresh temporary profile (user-data-dir), deleted on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
}

/** One browser for the test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('useBrowser(): the browser is launched in beforeAll; call it inside a test');
    return browser;
  };
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } as const;

/** User agents as the clients send them; WeCom's also says MicroMessenger, so check `wxwork` first. */
export const CLIENTS = {
  /** WeChat's in-app browser on iOS. */
  wechat: { ...PHONE, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323d) NetType/WIFI Language/zh_CN' },
  /** WeChat on Android (XWEB). */
  wechatAndroid: { ...PHONE, userAgent: 'Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.120 Mobile Safari/537.36 XWEB/1220133 MMWEBSDK/20240404 MMWEBID/2307 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64' },
  /** WeChat on HarmonyOS NEXT, whose web view is ArkWeb. */
  wechatHarmony: { ...PHONE, userAgent: 'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile MicroMessenger/8.0.1.48(0x28000130) NetType/WIFI Language/zh_CN' },
  /** WeCom (企业微信). */
  wecom: { ...PHONE, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.26 MicroMessenger/7.0.1 Language/zh ColorScheme/Light' },
  /** A desktop browser, where sign-in means scanning a QR code. */
  desktopChrome: { viewport: { width: 1280, height: 800 }, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36' },
} as const satisfies Record<string, BrowserContextOptions>;

export type ClientName = keyof typeof CLIENTS;

/** A page in a fresh context as `client`, asking for `acceptLanguage` (e.g. 'zh-CN,zh;q=0.9'); closed after the test. */
export async function openPage(browser: Browser, options: { client: ClientName; acceptLanguage?: string }): Promise<Page> {
  const acceptLanguage = options.acceptLanguage ?? 'zh-CN,zh;q=0.9';
  const context = await browser.newContext({
    ...CLIENTS[options.client],
    locale: acceptLanguage.split(',')[0]?.split(';')[0]?.trim() ?? 'zh-CN',
    extraHTTPHeaders: { 'Accept-Language': acceptLanguage },
  });
  onTestFinished(() => context.close());
  return context.newPage();
}

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

/** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name ${name}: use [a-z0-9-]`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: ImpactValue | undefined;
  readonly help: string;
  /** CSS selectors of the offending elements. */
  readonly targets: readonly string[];
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page and returns the serious and critical violations. The source is evaluated
 * through the DevTools protocol, which a page's CSP does not govern, so strict pages need no exception.
 */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await axeSource);
  // A string, not a function: this project compiles without the DOM library.
  const results = await page.evaluate<AxeResults>("axe.run(document, { resultTypes: ['violations'] })");
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact ?? undefined, help: violation.help, targets: violation.nodes.flatMap((node) => node.target.map(String)) }));
}
