/**
 * What a server records about itself for the processes that share its database (issue 18 #1): one
 * row per name, e.g. `issuer`, the issuer URL the server last started as, which the CLI acts on.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const ServerSettingSchema = defineEntity({
  name: 'ServerSetting',
  tableName: 'server_settings',
  properties: {
    name: p.string().length(64).primary(),
    value: p.text(),
    updatedAt: p.datetime(),
  },
});

export class ServerSetting extends ServerSettingSchema.class {}
ServerSettingSchema.setClass(ServerSetting);
