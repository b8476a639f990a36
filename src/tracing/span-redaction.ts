/**
 * What leaves the process in a span must carry no secret, code or token (issue 19 #2). The automatic
 * instrumentations record URLs with their query strings, and WeChat's URLs carry `appid`, `secret`,
 * `js_code`, `code`, `access_token` (wechat-api.md §3, §6); an incoming request line may carry an
 * authorization `code` or a `state`. So every string attribute is cleaned by its value, not by a list of
 * keys an instrumentation may rename tomorrow: query values and URL userinfo become `REDACTED`, and so
 * does anything shaped like a JWT. Header attributes are dropped to their names.
 */
import type { Attributes } from '@opentelemetry/api';

type Value = Attributes[string];

export const REDACTED = 'REDACTED';

/** `eyJ…` JSON Web Tokens (signed or encrypted) anywhere in a value. */
const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*(?:\.[\w-]*\.[\w-]*)?/g;
/** `name=value` pairs of a query string (after `?`), up to a fragment or whitespace. */
const QUERY = /\?([^#\s]*)/g;
/** `scheme://user:password@host` */
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

function redactQuery(query: string): string {
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq === -1 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
  }).join('&');
}

export function redactString(value: string): string {
  return value
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(QUERY, (_all, query: string) => `?${redactQuery(query)}`)
    .replace(JWT, REDACTED);
}

function redactValue(key: string, value: Value): Value {
  // http.request.header.<name> / http.response.header.<name>: authorization, cookies, …
  if (/\.header\./.test(key)) return REDACTED;
  // url.query is a query string without its `?`.
  if (key === 'url.query' && typeof value === 'string') return redactQuery(value);
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return (value as unknown[]).map((item) => (typeof item === 'string' ? redactString(item) : item));
  return value;
}

export function redactAttributes(attributes: Attributes): Attributes {
  const clean: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) clean[key] = redactValue(key, value);
  return clean;
}
