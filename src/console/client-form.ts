/**
 * What the client forms post, turned into admin API bodies (POST /admin/v1/clients per type, PATCH with
 * `version`): the textareas are one value per line, resources one API per line ("<uri> <scope> …"). The
 * API checks every value; nothing is judged here.
 */

export const CLIENT_TYPES = ['miniprogram', 'web', 'spa', 'service'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export const isClientType = (value: unknown): value is ClientType => CLIENT_TYPES.includes(value as ClientType);

/** The form fields each type's add form shows, in order (the first takes messages naming no field). */
export const ADD_FIELDS: Readonly<Record<ClientType, readonly string[]>> = {
  miniprogram: ['clientId', 'wechatAppId', 'scope', 'resources', 'defaultResource'],
  web: ['clientId', 'name', 'redirectUris', 'postLogoutRedirectUris', 'firstParty', 'scanAppId', 'scope', 'resources', 'defaultResource'],
  spa: ['clientId', 'name', 'redirectUris', 'postLogoutRedirectUris', 'firstParty', 'scanAppId', 'scope', 'resources', 'defaultResource'],
  service: ['clientId', 'resources', 'defaultResource'],
};

export const EDIT_FIELDS = ['scope', 'resources', 'defaultResource'] as const;

const lines = (value: string | null): string[] => (value ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

/** "https://api.example.com read write" per line → { uri: "read write" }. */
export function parseResources(value: string | null): Record<string, string> {
  return Object.fromEntries(lines(value).map((line) => {
    const [uri = '', ...scopes] = line.split(/\s+/);
    return [uri, scopes.join(' ')];
  }));
}

export function formatResources(resources: Readonly<Record<string, string>>): string {
  return Object.entries(resources).map(([uri, scopes]) => (scopes === '' ? uri : `${uri} ${scopes}`)).join('\n');
}

/** The form's values as typed, for showing them again after a refusal (the forms carry no secret). */
export function typedValues(form: URLSearchParams, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(fields.map((name) => [name, form.get(name) ?? '']));
}

const optionalText = (form: URLSearchParams, name: string): Record<string, string> => {
  const value = form.get(name)?.trim() ?? '';
  return value === '' ? {} : { [name]: value };
};

/** POST /admin/v1/clients body of `type` from its add form. */
export function createBody(type: ClientType, form: URLSearchParams): Record<string, unknown> {
  const common = {
    type, clientId: form.get('clientId')?.trim() ?? '', resources: parseResources(form.get('resources')), ...optionalText(form, 'defaultResource'),
  };
  if (type === 'service') return common;
  if (type === 'miniprogram') return { ...common, wechatAppId: form.get('wechatAppId') ?? '', ...optionalText(form, 'scope') };
  return {
    ...common, ...optionalText(form, 'name'), ...optionalText(form, 'scope'), ...optionalText(form, 'scanAppId'),
    redirectUris: lines(form.get('redirectUris')), postLogoutRedirectUris: lines(form.get('postLogoutRedirectUris')), firstParty: form.get('firstParty') === 'yes',
  };
}

/** PATCH /admin/v1/clients/:id body: the version read, the scopes (not for a service client), resources and default. */
export function updateBody(type: string, form: URLSearchParams): Record<string, unknown> {
  const defaultResource = form.get('defaultResource')?.trim() ?? '';
  return {
    version: Number(form.get('version') ?? '0'),
    ...(type === 'service' ? {} : { scope: form.get('scope')?.trim() ?? '' }),
    resources: parseResources(form.get('resources')),
    defaultResource: defaultResource === '' ? null : defaultResource,
  };
}
