/** Lambda entry point of the monthly report; dependencies built once per cold start. */
import { loadDeps } from '../../shared/pipeline/deps.js';
import { loadReportConfig } from '../../shared/report/config.js';
import { reportDepsFrom } from '../../shared/report/deps.js';
import { createMonthlyReportHandler } from './app.js';

export const handler = createMonthlyReportHandler(reportDepsFrom(await loadDeps(), loadReportConfig()));
