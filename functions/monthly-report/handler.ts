/** Lambda entry point of the monthly report; dependencies (the token secret among them) built once per cold start. */
import { reportDepsFromEnv } from '../../shared/report/deps.js';
import { createMonthlyReportHandler } from './app.js';

export const handler = createMonthlyReportHandler(await reportDepsFromEnv());
