/**
 * Lambda entry point: S3 events, directly or through SQS; dependencies built once per cold start. Outcome
 * counts go to CloudWatch as embedded-metric log lines, in the namespace the stack sets
 * (`POWERTOOLS_METRICS_NAMESPACE`, see functions/process-upload/metrics.ts).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadDeps } from '../../shared/pipeline/deps.js';
import { createProcessUploadHandler } from './app.js';

const deps = await loadDeps();
const metrics = new Metrics({ serviceName: deps.config.serviceName, logger: deps.logger });

export const handler = createProcessUploadHandler(deps, { metrics });
