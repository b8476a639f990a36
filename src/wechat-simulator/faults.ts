// Fault injection (wechat-api.md §1.2, §3.3, §9, §14 items 3, 5 and 24): a queue of faults, each applied
// to the next matching request(s), so tests can script transient errors, garbage bodies and timeouts.
import type { WeChatEndpoint } from './simulator-types.ts';

interface FaultTarget {
  /** Only requests to this endpoint match; any WeChat endpoint when omitted. */
  readonly endpoint?: WeChatEndpoint;
  /** How many matching requests it applies to (default 1). */
  readonly times?: number;
}

export type TransportFaultKind =
  | 'empty_body'
  | 'non_json_body'
  | 'html_body'
  | 'truncated_json'
  | 'connection_reset'
  | 'http_status';

export const TRANSPORT_FAULT_KINDS = [
  'empty_body',
  'non_json_body',
  'html_body',
  'truncated_json',
  'connection_reset',
  'http_status',
] as const;

export type Fault =
  /** A business error (e.g. -1, 45011, 40125) instead of processing the request; the code is untouched. */
  | (FaultTarget & { readonly kind: 'errcode'; readonly errcode: number; readonly errmsg?: string })
  /** A transport-level failure; `status` (default 502) is for `http_status`. The code is untouched. */
  | (FaultTarget & { readonly kind: TransportFaultKind; readonly status?: number })
  /**
   * Answers exactly these bytes (status default 200, Content-Type default the endpoint's) without
   * processing the request, after `ms` (default 0): for fuzzing the client's parser (test-catalogue C-06).
   */
  | (FaultTarget & { readonly kind: 'raw'; readonly body: string; readonly status?: number; readonly contentType?: string; readonly ms?: number })
  /** Waits `ms`, then processes and answers normally. */
  | (FaultTarget & { readonly kind: 'delay'; readonly ms: number })
  /** §3.3: processes the request (the code is consumed) but the caller sees an error, a late answer or a reset. */
  | (FaultTarget & {
      readonly kind: 'burn_code_then';
      readonly then: 'errcode' | 'delay' | 'connection_reset';
      /** For `then: 'errcode'` (default -1). */
      readonly errcode?: number;
      /** For `then: 'delay'`. */
      readonly ms?: number;
    });

export type FaultKind = Fault['kind'];

interface QueuedFault {
  readonly fault: Fault;
  remaining: number;
}

export interface FaultQueue {
  /** Queues an already validated fault (see faultSchema). */
  push(fault: Fault): void;
  /** Removes one use of the first fault matching `endpoint`, and returns it. */
  take(endpoint: WeChatEndpoint): Fault | null;
  clear(): void;
}

export function createFaultQueue(): FaultQueue {
  let queue: QueuedFault[] = [];

  return {
    push(fault) {
      queue.push({ fault, remaining: fault.times ?? 1 });
    },
    take(endpoint) {
      const entry = queue.find(({ fault }) => fault.endpoint === undefined || fault.endpoint === endpoint);
      if (!entry) return null;
      entry.remaining -= 1;
      if (entry.remaining === 0) queue = queue.filter((other) => other !== entry);
      return entry.fault;
    },
    clear() {
      queue = [];
    },
  };
}
