/** Lambda entry point of the monthly report; dependencies built once per cold start. */
import { reportDepsFromEnv } from '../../shared/report/deps.js';
import { createMonthlyReportHandler } from './app.js';

export const handler = createMonthlyReportHandler(reportDepsFromEnv());
