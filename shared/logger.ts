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
 * `function_name`, `cold_start`…), as Powertools' `injectLambdaContext` does, including the lines written
 * through `withKeys` views of it. Without a context it runs as is.
 */
export function withLambdaContext<E, R>(logger: Logger, handler: LambdaHandler<E, R>): LambdaHandler<E, R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    return handler(event, context);
  };
}

type LogAttributes = Record<string, unknown>;

/** The log methods the domain steps use, on a view that adds record keys to every line. */
export interface KeyedLog {
  info(message: string, extra?: LogAttributes): void;
  warn(message: string, extra?: LogAttributes): void;
  error(message: string, extra?: LogAttributes): void;
}

/**
 * `logger` with `keys` (e.g. `uploadId`, `unit`) on every line. Not `createChild`: a child logger computes
 * its own `cold_start`, true on its first line, so a child per upload would mark every upload a cold start;
 * and not `appendKeys` on the shared logger, which concurrent uploads (locally) would mix.
 */
export function withKeys(logger: Logger, keys: Record<string, string>): KeyedLog {
  return {
    info: (message, extra) => logger.info(message, { ...keys, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...keys, ...extra }),
    error: (message, extra) => logger.error(message, { ...keys, ...extra }),
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
