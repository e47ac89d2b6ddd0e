/** API Gateway (HTTP API) entry point: the shared Hono app, with dependencies built once per cold start. */
import { handle } from 'hono/aws-lambda';
import { loadDeps } from '../../shared/pipeline/deps.js';
import { createApiApp } from './app.js';

export const handler = handle(createApiApp(await loadDeps()));
