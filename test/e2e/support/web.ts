/** Where the upload page's files are, for tests that read them directly. */
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

export const WEB_FILES = {
  page: `${WEB_DIR}index.html`,
  script: `${WEB_DIR}static/app.js`,
  styles: `${WEB_DIR}static/styles.css`,
  template: `${WEB_DIR}static/mau-phu-luc-2.xlsx`,
} as const;
