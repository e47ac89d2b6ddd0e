/**
 * The upload API (contract 3), one Hono app for API Gateway (`hono/aws-lambda`) and the local server
 * (`@hono/node-server`): same routes, same validation, same errors.
 */
import type { Context as LambdaContext } from 'aws-lambda';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { type APIGatewayProxyResult, handle, type LambdaEvent } from 'hono/aws-lambda';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { type LambdaHandler, safeError, withLambdaContext } from '../../shared/logger.js';
import type { PipelineDeps } from '../../shared/pipeline/deps.js';
import {
  authorize,
  cancelUpload,
  createUpload,
  getUploadStatus,
  listUploadsForToken,
  pageSettings,
  templateForToken,
  UPLOAD_FILE_FIELDS,
} from '../../shared/pipeline/uploads.js';
import { REPORT_FILES_PATH } from '../../shared/report/file-link.js';
import { createAdminApp } from './admin/app.js';
import { API_ERRORS, type ApiErrorCode, apiErrorMessage, apiErrorOf } from './errors.js';
import { createReportFilesApp } from './report-files.js';

// The file fields are the dashboard's too (UPLOAD_FILE_FIELDS): one definition of what a file request is.
const createUploadBody = z.object({ token: z.string().min(1).max(2048), ...UPLOAD_FILE_FIELDS });

/** A create request is a token and three short fields; anything bigger is not the page's. */
export const CREATE_UPLOAD_MAX_BODY_BYTES = 16 * 1024;

const uploadIdParam = z.string().regex(/^[a-z0-9]{8,40}$/);

function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function createApiApp(deps: PipelineDeps): Hono {
  const app = new Hono();
  const errorResponse = (c: Context, code: ApiErrorCode) =>
    c.json({ error: { code, message: apiErrorMessage(code, deps.config) } }, API_ERRORS[code].status);

  app.use('/api/*', async (c, next) => {
    await next();
    // Answers carry upload state and signed links: never cache them anywhere.
    c.header('Cache-Control', 'no-store');
  });

  app.post(
    '/api/uploads',
    bodyLimit({ maxSize: CREATE_UPLOAD_MAX_BODY_BYTES, onError: (c) => errorResponse(c, 'REQUEST_TOO_LARGE') }),
    async (c) => {
      const json: unknown = await c.req.json().catch(() => undefined);
      const body = createUploadBody.safeParse(json);
      if (!body.success) return errorResponse(c, 'BAD_REQUEST');
      return c.json(await createUpload(deps, body.data), 201);
    },
  );

  app.get('/api/uploads', async (c) => c.json(await listUploadsForToken(deps, bearer(c))));

  // A malformed id is an unknown upload, but only once the token has been checked.
  const withUploadId = async (c: Context, answer: (uploadId: string) => Promise<Response>) => {
    const uploadId = uploadIdParam.safeParse(c.req.param('uploadId'));
    if (uploadId.success) return answer(uploadId.data);
    await authorize(deps, bearer(c));
    return errorResponse(c, 'NOT_FOUND');
  };

  app.get('/api/uploads/:uploadId', (c) => withUploadId(c, async (id) => c.json(await getUploadStatus(deps, bearer(c), id))));

  app.post('/api/uploads/:uploadId/cancel', (c) => withUploadId(c, async (id) => c.json(await cancelUpload(deps, bearer(c), id))));

  // Public: the page needs the upload limit and whom to call even when its link is bad.
  app.get('/api/settings', (c) => c.json(pageSettings(deps)));

  // The link's blank form, by bearer token like every other route: the token stays out of URLs and caches.
  app.get('/api/template', async (c) => {
    const template = await templateForToken(deps, bearer(c));
    return c.body(template.bytes.slice().buffer, 200, {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="${template.fileName}"`,
    });
  });

  app.route('/api/admin', createAdminApp(deps));
  app.route(REPORT_FILES_PATH, createReportFilesApp(deps));

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
