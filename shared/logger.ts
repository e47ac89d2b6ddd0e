/**
 * Structured JSON logs (Powertools Logger), the same on Lambda and locally.
 *
 * Personal data rule: callers log identifiers of *records* only (uploadId, unit, counts, statuses, error
 * names). Never an ID number, a phone number, a name, a file name typed by a clerk, or a raw error message
 * from validation. `safeError` reduces an unknown error to its name and code for that reason.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { AppError } from './errors.js';

export type { Logger };

export interface LoggerOptions {
  serviceName?: string;
  logLevel?: LogLevel;
  /** Keys added to every line, e.g. `{ component: 'local-stack' }`. */
  persistentKeys?: Record<string, string>;
}

/** Without an explicit level the Logger reads `POWERTOOLS_LOG_LEVEL` itself (INFO by default). */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'motcua-intake',
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}),
  });
}

/** A Lambda handler; the context is absent when the same code runs outside Lambda (local stack, tests). */
export type LambdaHandler<E, R> = (event: E, context?: Context) => Promise<R>;

/**
 * `handler` with every log line of an invocation carrying its Lambda context (`function_request_id`,
 * `function_name`, `cold_start`…), as Powertools' `injectLambdaContext` does, for loggers created from
 * `logger` during the invocation too (`createChild` copies the context). Without a context it runs as is.
 */
export function withLambdaContext<E, R>(logger: Logger, handler: LambdaHandler<E, R>): LambdaHandler<E, R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    return handler(event, context);
  };
}

/**
 * An error as it may appear in a log line: its class, our code, and the AWS error name of the cause.
 * Messages are left out on purpose: a library error message can quote the data it choked on.
 */
export function safeError(error: unknown): { errorName: string; errorCode?: string; causeName?: string } {
  if (!(error instanceof Error)) return { errorName: 'NonError' };
  const cause = error.cause instanceof Error ? error.cause.name : undefined;
  return {
    errorName: error.name,
    ...(error instanceof AppError ? { errorCode: error.code } : {}),
    ...(cause ? { causeName: cause } : {}),
  };
}
