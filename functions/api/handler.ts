/** API Gateway (HTTP API) entry point: the shared Hono app, with dependencies built once per cold start. */
import { loadDeps } from '../../shared/pipeline/deps.js';
import { createApiHandler } from './app.js';

export const handler = createApiHandler(await loadDeps());
