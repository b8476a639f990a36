// The few mini-program globals the example uses, so `npm run check` can type-check its JS.
// Real projects use the official typings (npm miniprogram-api-typings).
import type { WxLike, WxRequestOptions } from '@wxbridge/miniprogram-sdk';

declare global {
  const wx: WxLike & { request(options: WxRequestOptions): unknown };
  function App(options: object): void;
  function getApp(): unknown;
  function Page<D extends object, M extends object>(options: { data: D } & M & ThisType<{ data: D; setData(data: Partial<D>): void } & M>): void;
}
