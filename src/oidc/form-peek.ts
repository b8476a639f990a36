/**
 * A look at a urlencoded body before oidc-provider parses it, so that parameters PostgreSQL can't
 * store are refused before any lookup (issue #15 finding 2; src/db/storable-text.ts).
 */
import { Readable } from 'node:stream';
import * as querystring from 'node:querystring';
import type { Context } from 'koa';

/** oidc-provider's own cap on bodies (lib/shared/selective_body.js): a larger one is its to refuse. */
const FORM_LIMIT_BYTES = 56 * 1024;

const PEEKED = Symbol('peeked form');

export async function peekForm(ctx: Context): Promise<querystring.ParsedUrlQuery | undefined> {
  // Read once per request: a later look (the rate-limit guard's) gets the same parameters.
  const state = ctx.state as Partial<Record<typeof PEEKED, Promise<querystring.ParsedUrlQuery | undefined>>>;
  const peeked = state[PEEKED] ?? readForm(ctx);
  state[PEEKED] = peeked;
  return peeked;
}

type Replay = PropertyDescriptorMap;

/**
 * A whole body read here, handed out again as oidc-provider reads it (lib/shared/selective_body.js:
 * `readable`, then `iterator()`): the chunks themselves, without a stream around them — a Readable per
 * token request cost ≈ 2 % of a client_credentials grant (issue 16, profile). Set on the message itself,
 * as plain data properties: a new object per request with the message as its prototype (as before) gave
 * every later read of `ctx.req` a shape never seen before, and cost a client_credentials grant 0.1 ms.
 */
function replayInPlace(message: Context['req'], chunks: readonly Buffer[]): void {
  const pending = [...chunks];
  const chunksOnce = (): AsyncIterableIterator<Buffer> => {
    Object.defineProperty(message, 'readable', { value: false, writable: true, configurable: true });
    const iterator: AsyncIterableIterator<Buffer> = {
      next: () => Promise.resolve(pending.length > 0 ? { value: pending.shift() as Buffer, done: false } : { value: undefined, done: true }),
      return: () => Promise.resolve({ value: undefined, done: true }),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };
  Object.defineProperty(message, 'readable', { value: true, writable: true, configurable: true });
  Object.defineProperty(message, 'readableEncoding', { value: null, writable: true, configurable: true });
  Object.defineProperty(message, 'iterator', { value: chunksOnce, writable: true, configurable: true });
  Object.defineProperty(message, Symbol.asyncIterator, { value: chunksOnce, writable: true, configurable: true });
}

/** A body over the limit: the chunks read, then the rest of the original, as one stream for the provider to refuse. */
function replayWithRest(chunks: readonly Buffer[], original: Context['req']): Replay {
  const replay = Readable.from((async function* replayed() {
    yield* chunks;
    yield* original.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  })());
  return {
    readable: { get: () => replay.readable },
    readableEncoding: { value: null },
    iterator: { value: (options?: { destroyOnReturn?: boolean }) => replay.iterator(options) },
    [Symbol.asyncIterator]: { value: () => replay[Symbol.asyncIterator]() },
  };
}

/**
 * Reads a urlencoded body and returns its parameters, to be judged before the provider sees them. The request is then
 * handed on as if unread: `ctx.req` becomes a view of the original message (headers, socket,
 * method inherited) whose body stream replays the same bytes, so the provider parses it as usual.
 * A body over the provider's limit is not judged here: it is replayed for the provider to refuse.
 */
async function readForm(ctx: Context): Promise<querystring.ParsedUrlQuery | undefined> {
  if (!ctx.is('application/x-www-form-urlencoded') || !ctx.req.readable) return undefined;
  const original = ctx.req;
  const declared = ctx.request.length;
  if (declared > FORM_LIMIT_BYTES) return undefined; // (no Content-Length: undefined, never greater)
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of original.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunks.push(chunk);
    if (size > FORM_LIMIT_BYTES) break;
  }
  const complete = size <= FORM_LIMIT_BYTES;
  if (complete) replayInPlace(original, chunks);
  else ctx.req = Object.create(original, replayWithRest(chunks, original)) as Context['req'];
  if (!complete) return undefined;
  let text: string;
  try {
    text = new TextDecoder(ctx.request.charset || 'utf-8').decode(Buffer.concat(chunks, size));
  } catch {
    return undefined; // an unknown charset: the provider answers it
  }
  return querystring.parse(text);
}
