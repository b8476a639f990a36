// The bytes of transport-level faults (wechat-api.md §1.2, §1.3, §9, §14 item 24): empty, non-JSON,
// HTML and truncated bodies, and gateway error pages with a non-200 status.
import { STATUS_CODES } from 'node:http';
import type { TransportFaultKind } from './faults.ts';
import { newOpaqueToken, newOpenIdShapedId, newSessionKey } from './identifiers.ts';
import type { WeChatEndpoint } from './simulator-types.ts';
import { toWeChatJson, type RawReply } from './wire.ts';

// What an nginx-style gateway in front of api.weixin.qq.com answers when the upstream fails.
function gatewayPage(status: number): string {
  const title = `${String(status)} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

// A plausible success body cut in half: valid HTTP framing, invalid JSON.
function truncatedBody(endpoint: WeChatEndpoint): string {
  const whole =
    endpoint === 'jscode2session'
      ? toWeChatJson({ session_key: newSessionKey(), openid: newOpenIdShapedId() })
      : toWeChatJson({ access_token: newOpaqueToken(1), expires_in: 7200, openid: newOpenIdShapedId() });
  return whole.slice(0, Math.floor(whole.length / 2));
}

/** The raw reply for a transport fault; `connection_reset` has none (the socket is destroyed instead). */
export function transportFaultReply(
  kind: Exclude<TransportFaultKind, 'connection_reset'>,
  endpoint: WeChatEndpoint,
  contentType: string,
  status: number | undefined,
): RawReply {
  switch (kind) {
    case 'empty_body':
      return { status: 200, contentType, body: '' };
    case 'non_json_body':
      return { status: 200, contentType, body: 'system busy, please try again later' };
    case 'html_body':
      return { status: 200, contentType: 'text/html; charset=utf-8', body: gatewayPage(503) };
    case 'truncated_json':
      return { status: 200, contentType, body: truncatedBody(endpoint) };
    case 'http_status': {
      const code = status ?? 502;
      return { status: code, contentType: 'text/html', body: gatewayPage(code) };
    }
  }
}
