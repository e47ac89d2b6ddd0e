/** Lambda entry point: S3 events, directly or through SQS; dependencies built once per cold start. */
import { loadDeps } from '../../shared/pipeline/deps.js';
import { createProcessUploadHandler } from './app.js';

export const handler = createProcessUploadHandler(await loadDeps());
