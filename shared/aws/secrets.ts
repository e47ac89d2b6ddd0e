/**
 * The token secret: a raw value locally, a Secrets Manager secret on AWS (fetched once per cold start, so
 * a rotated secret reaches new instances within minutes and costs one call per instance).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MIN_TOKEN_SECRET_LENGTH, type TokenSecretSource } from '../config.js';
import { ConfigError, DependencyError } from '../errors.js';
import { secretsManagerPackage } from './clients.js';

const cache = new Map<string, Promise<string>>();

/** `secrets` is asked for only when the secret must be fetched: a secret given as a value builds no client. */
export function resolveTokenSecret(source: TokenSecretSource, secrets: () => SecretsManagerClient): Promise<string> {
  if (source.kind === 'value') return Promise.resolve(checked(source.value));
  const cached = cache.get(source.arn);
  if (cached) return cached;
  const pending = fetchSecret(source.arn, secrets);
  cache.set(source.arn, pending);
  // A failed fetch must not poison the cache for the next invocation.
  pending.catch(() => cache.delete(source.arn));
  return pending;
}

async function fetchSecret(arn: string, secrets: () => SecretsManagerClient): Promise<string> {
  let value: string | undefined;
  try {
    const { GetSecretValueCommand } = secretsManagerPackage();
    value = (await secrets().send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    throw new DependencyError('Secrets Manager GetSecretValue', { cause: error });
  }
  return checked(value ?? '');
}

function checked(secret: string): string {
  if (secret.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new ConfigError(`token secret must be at least ${MIN_TOKEN_SECRET_LENGTH} characters`);
  }
  return secret;
}
