/**
 * CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). Environment-agnostic unless the CLI knows an
 * account and region (credentials present), so `cdk synth` works offline with no AWS account at all.
 */
import { buildIntakeApp } from './intake-stack.js';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

buildIntakeApp(account && region ? { env: { account, region } } : {});
