/**
 * The upload API (contract 3), one Hono app for API Gateway (`hono/aws-lambda`) and the local server
 * (`@hono/node-server`): same routes, same validation, same errors.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { type APIGatewayProxyResult, handle, type LambdaEvent } from 'hono/aws-lambda';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { type LambdaHandler, safeError, withLambdaContext } from '../../shared/logger.js';
import type { PipelineDeps } from '../../shared/pipeline/deps.js';
import { authorize, createUpload, getUploadStatus, listUploadsForToken } from '../../shared/pipeline/uploads.js';
import { createAdminApp } from './admin/app.js';
import { API_ERRORS, type ApiErrorCode, apiErrorOf } from './errors.js';

const createUploadBody = z.object({
  token: z.string().min(1).max(2048),
  fileName: z.string().trim().min(1).max(255),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
});

const uploadIdParam = z.string().regex(/^[a-z0-9]{8,40}$/);

function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function errorResponse(c: Context, code: ApiErrorCode) {
  const { status, message } = API_ERRORS[code];
  return c.json({ error: { code, message } }, status);
}

export function createApiApp(deps: PipelineDeps): Hono {
  const app = new Hono();

  app.use('/api/*', async (c, next) => {
    await next();
    // Answers carry upload state and signed links: never cache them anywhere.
    c.header('Cache-Control', 'no-store');
  });

  app.post(
    '/api/uploads',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => errorResponse(c, 'BAD_REQUEST') }),
    async (c) => {
      const json: unknown = await c.req.json().catch(() => undefined);
      const body = createUploadBody.safeParse(json);
      if (!body.success) return errorResponse(c, 'BAD_REQUEST');
      return c.json(await createUpload(deps, body.data), 201);
    },
  );

  app.get('/api/uploads', async (c) => c.json(await listUploadsForToken(deps, bearer(c))));

  app.get('/api/uploads/:uploadId', async (c) => {
    const uploadId = uploadIdParam.safeParse(c.req.param('uploadId'));
    // A malformed id is an unknown upload, but only once the token has been checked.
    if (!uploadId.success) {
      authorize(deps, bearer(c));
      return errorResponse(c, 'NOT_FOUND');
    }
    return c.json(await getUploadStatus(deps, bearer(c), uploadId.data));
  });

  app.route('/api/admin', createAdminApp(deps));

  app.all('/api/*', (c) => errorResponse(c, 'NOT_FOUND'));

  app.onError((error, c) => {
    const { code, status } = apiErrorOf(error);
    const log = status >= 500 ? deps.logger.error.bind(deps.logger) : deps.logger.info.bind(deps.logger);
    log('api request refused', { code, status, method: c.req.method, route: c.req.routePath, ...safeError(error) });
    return errorResponse(c, code);
  });

  return app;
}

/** The app behind API Gateway: each request's log lines carry its Lambda context (`function_request_id`…). */
export function createApiHandler(deps: PipelineDeps): LambdaHandler<LambdaEvent, APIGatewayProxyResult> {
  const handleRequest = handle(createApiApp(deps));
  return withLambdaContext(deps.logger, (event: LambdaEvent, context?: LambdaContext) => handleRequest(event, context));
}
