/**
 * exceljs, loaded on first use. Evaluating it is the largest single cost of a cold start (seconds on a
 * loaded machine: docs/PERFORMANCE.md), and validating an upload no longer needs it (shared/workbook/xlsx.ts
 * reads the XML itself): only writing a workbook (annotating a rejected file, the export, the templates,
 * the report) does. A static import would evaluate it whenever the process-upload or api bundle, or the
 * CLI's validate, is imported. Behind this dynamic `import()`, the functions' bundles leave the package out
 * and Node loads it from the `node_modules` shipped beside them on the first call (FUNCTION_BUNDLING in
 * infra/constructs/intake-function.ts); the CLI's bundle puts it in a chunk of its own.
 */
import type ExcelJS from 'exceljs';

export type ExcelJsModule = typeof ExcelJS;

let loading: Promise<ExcelJsModule> | undefined;

/** The exceljs module (its body evaluated once, on the first call). */
export function loadExcelJs(): Promise<ExcelJsModule> {
  loading ??= import('exceljs').then(
    (module) => module.default,
    (error: unknown) => {
      // A failed load (a broken install) is not cached: the next call tries again and throws its own error.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
