/** Every fuzzed surface, in the order `npm run fuzz` runs them (`--only` takes these names). */
import { adminApiSurface } from './admin-api.ts';
import { adminBearer, packageVerifier } from './bearer-verifier.ts';
import { browserEndpoints } from './browser-endpoints.ts';
import { meBodies } from './me-bodies.ts';
import type { FuzzSurface } from './surface.ts';
import { tokenEndpoint } from './token-endpoint.ts';
import { wechatResponse } from './wechat-response.ts';

export const SURFACES: readonly FuzzSurface[] = [tokenEndpoint, adminApiSurface, adminBearer, packageVerifier, wechatResponse, meBodies, browserEndpoints];
