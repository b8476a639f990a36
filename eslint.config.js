// Lint (house-style §12 #2, §4): typescript-eslint strictTypeChecked, and the module boundaries
// of the architecture map checked by a machine rather than by prose.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const NO_OIDC_INTERNALS = { group: ['oidc-provider/lib/*'], message: 'oidc-provider internals only in src/oidc/oidc-provider-seam.ts' };
const FEATURE_FORBIDS_TRANSPORT = [
  { group: ['koa', 'koa-*', '@koa/*'], message: 'features stay transport-free (house-style §3)' },
  { group: ['oidc-provider', 'oidc-provider/*'], message: 'only src/oidc/ knows oidc-provider (house-style §3)' },
];

/** The services of the service graph: constructed only by createServices (src/services.ts), once per process. */
const SERVICES = [
  'ClientRegistry', 'ResourceServerRegistry', 'WeChatAppRegistry', 'KeyStore', 'SecretBox', 'AuditLog', 'AccountRepository',
  'AccountAdministration', 'IdentityMapper', 'WeChatSignIn', 'LoginCodeLedger', 'PhoneVerification', 'ProfileEditor',
  'LegacyUserData', 'GrantRevocation', 'WeChatClient', 'WeChatAccessTokens', 'AccessTokenRepository', 'WeChatPhoneNumbers', 'AdminServices',
  'WebSignInTickets', 'MiniProgramCodes', 'WeChatCallMinutes', 'OverviewReports',
];

/** import-x/no-restricted-paths zones: `target` may not import from `from`. */
const zone = (target, from, message) => ({ target: `./src/${target}`, from: `./src/${from}`, message });

export default defineConfig(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**', 'migrations/.snapshot-*.json', 'packages/*/dist/**', 'examples/miniprogram/miniprogram_npm/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'bin/*.js'] }, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'configuration comes from src/config.ts (house-style §6)' }],
      'import-x/no-restricted-paths': ['error', {
        zones: [
          zone('wechat', '!(wechat)/**/*', 'wechat/ is a leaf: it may import only errors.ts'),
          zone('{accounts,audit,clients,keys,overview,rate-limits,wechat-apps,wechat,web-sign-ins}/**/*', '{oidc,admin,http,me,sandbox}/**/*', 'features do not import transports or oidc/'),
          zone('{accounts,audit,clients,keys,overview,rate-limits,wechat-apps,wechat,web-sign-ins,db,http,oidc,admin,me,sandbox,wechat-simulator}/**/*', 'app.ts', 'only entry points import the composition root'),
          zone('oidc/**/*', '{admin,http,me,sandbox}/**/*', 'oidc/ does not import transports'),
          zone('admin/**/*', 'oidc/**/*', 'admin/ gets grant revocation (and sessions) through the service graph, src/services.ts'),
          zone('console/**/*', '{oidc,admin,me,sandbox}/**/*', 'console/ reaches wxbridge only through the admin API over HTTP (ADR 0025)'),
          zone('me/**/*', '{oidc,admin,sandbox}/**/*', 'me/ gets the bearer check from app.ts, not from oidc/ (docs/decisions/0007)'),
          zone('clients/**/*', 'accounts/**/*', 'clients/ and accounts/ are independent features'),
          zone('accounts/**/*', 'clients/**/*', 'clients/ and accounts/ are independent features'),
          zone('wechat-simulator/**/*', '!(wechat-simulator)/**/*', 'the simulator stands alone (it fakes WeChat, it knows nothing of wxbridge)'),
          zone('!(cluster)/**/*', 'cluster/**/*', 'worker mode (src/cluster/) is for the process entry (main.ts) only'),
        ],
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/oidc/oidc-provider-seam.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_OIDC_INTERNALS] }] },
  },
  {
    // One service graph per process (issue #12): a second registry or audit log would be a second cache and queue.
    files: ['src/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/services.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: `CallExpression[callee.name=/^create(${SERVICES.join('|')})$/]`,
        message: 'services are built once per process, by createServices (src/services.ts)',
      }],
    },
  },
  {
    // Later blocks replace a rule's options, so the feature block repeats NO_OIDC_INTERNALS.
    files: ['src/{accounts,audit,clients,keys,overview,rate-limits,wechat,wechat-apps,web-sign-ins,db}/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_OIDC_INTERNALS, ...FEATURE_FORBIDS_TRANSPORT] }] },
  },
  {
    files: ['src/config.ts', 'src/main.ts', 'src/cli.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'examples/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Module declarations for untyped packages mirror their default exports.
    files: ['eslint.config.js', 'vitest.config.ts', 'vitest.fuzz.config.ts', '**/*.d.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['eslint.config.js'], extends: [tseslint.configs.disableTypeChecked] },
);
