/**
 * The SDK's one error: an OAuth-style `error` code (`invalid_grant`, `temporarily_unavailable`, …
 * as wxbridge answered, or `network_error`, `wx_login_failed`, `phone_not_authorized` for failures
 * on the device), the HTTP status when there was a response, and wxbridge's description.
 */
import type { WxResponse } from './wx-like.ts';

export class WxBridgeError extends Error {
  readonly error: string;
  readonly statusCode: number | undefined;
  readonly description: string | undefined;

  constructor(error: string, description?: string, statusCode?: number) {
    super(description === undefined ? error : `${error}: ${description}`);
    this.name = 'WxBridgeError';
    this.error = error;
    this.description = description;
    this.statusCode = statusCode;
  }
}

/** The error a non-2xx wxbridge response stands for (`{ error, error_description }` bodies). */
export function errorFromResponse(response: WxResponse): WxBridgeError {
  const body = typeof response.data === 'object' && response.data !== null ? response.data as Record<string, unknown> : {};
  const error = typeof body['error'] === 'string' ? body['error'] : `http_${response.statusCode}`;
  const description = typeof body['error_description'] === 'string' ? body['error_description'] : undefined;
  return new WxBridgeError(error, description, response.statusCode);
}
