/**
 * MikroORM configuration: the explicit entity list (house-style §8) and migration settings.
 * Used by the app, the CLI (`wxbridge migrate`) and the migration generator.
 */
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { AccountSchema } from '../accounts/account.entity.ts';
import { AuditEventSchema } from '../audit/audit-event.entity.ts';
import { WeChatIdentitySchema } from '../accounts/wechat-identity.entity.ts';
import { ClientSchema } from '../clients/client.entity.ts';
import { ResourceServerSchema } from '../clients/resource-server.entity.ts';
import { SigningKeySchema } from '../keys/signing-key.entity.ts';
import { OidcPayloadSchema } from '../oidc/storage/oidc-payload.entity.ts';
import { LoginCodeSchema } from '../accounts/login-code.entity.ts';
import { MergedAccountSchema } from '../accounts/merged-account.entity.ts';
import { AdminInvitationSchema } from '../accounts/admin-invitation.entity.ts';
import { ConsoleSessionSchema } from '../console/console-session.entity.ts';
import { WeChatAppSchema } from '../wechat-apps/wechat-app.entity.ts';
import { WeChatAccessTokenSchema } from '../wechat-apps/wechat-access-token.entity.ts';
import { RateLimitCounterSchema } from '../rate-limits/rate-limit-counter.entity.ts';
import { ServerSettingSchema } from './server-setting.entity.ts';
import { WebSignInTicketSchema } from '../web-sign-ins/web-sign-in-ticket.entity.ts';
import { PendingIdentitySchema } from '../web-sign-ins/pending-identity.entity.ts';
import { WeChatCallMinuteSchema } from '../overview/wechat-call-minute.entity.ts';

export const ENTITIES = [
  OidcPayloadSchema, SigningKeySchema, ClientSchema, ResourceServerSchema,
  WeChatAppSchema, AccountSchema, WeChatIdentitySchema, AuditEventSchema, WeChatAccessTokenSchema, RateLimitCounterSchema,
  LoginCodeSchema, ServerSettingSchema, MergedAccountSchema, WebSignInTicketSchema, PendingIdentitySchema, AdminInvitationSchema, ConsoleSessionSchema,
  WeChatCallMinuteSchema,
];

export const MIGRATIONS_PATH = new URL('../../migrations', import.meta.url).pathname;

export interface OrmSettings {
  readonly url: string;
  readonly poolSize: number;
  /** Logs every SQL statement (development diagnosis only). */
  readonly debug?: boolean;
}

export function buildOrmConfig(settings: OrmSettings): Options {
  return defineConfig({
    clientUrl: settings.url,
    entities: ENTITIES,
    extensions: [Migrator],
    debug: settings.debug ?? false,
    allowGlobalContext: false,
    // Connecting never creates the database (production must refuse without writing, issue 18 #4);
    // the migrator still does, so `wxbridge migrate` and a development start work on a new database.
    ensureDatabase: false,
    pool: { min: 0, max: settings.poolSize, idleTimeoutMillis: 30_000 },
    driverOptions: { connectionTimeoutMillis: 3000 },
    migrations: {
      path: MIGRATIONS_PATH,
      glob: '!(*.d).{js,ts}',
      emit: 'ts',
      snapshot: true,
      snapshotName: '.snapshot-wxbridge',
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    discovery: { warnWhenNoEntities: true },
  });
}
