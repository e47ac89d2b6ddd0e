/**
 * The local web server hands out the page and its files with the content types a browser needs: the blank
 * template must arrive as an Excel workbook (not a nameless binary), text files as UTF-8 (the page is
 * Vietnamese), and each byte for byte.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useLocalStack, XLSX_TYPE } from '../support/local-stack.js';

const stack = useLocalStack();
const WEB_DIR = new URL('../../web/', import.meta.url);

describe('the local web server', () => {
  it.each([
    ['the blank Appendix 2 template', '/static/mau-phu-luc-2.xlsx', 'static/mau-phu-luc-2.xlsx', XLSX_TYPE],
    ['the page script', '/static/app.js', 'static/app.js', 'text/javascript; charset=utf-8'],
    ['the style sheet', '/static/styles.css', 'static/styles.css', 'text/css; charset=utf-8'],
    ['the page', '/', 'index.html', 'text/html; charset=utf-8'],
    ['the page behind an upload link', '/u/any-token', 'index.html', 'text/html; charset=utf-8'],
  ])('serves %s with its content type', async (_label, path, file, contentType) => {
    const response = await fetch(`${stack.current.baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')?.toLowerCase()).toBe(contentType);
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(new URL(file, WEB_DIR)))).toBe(true);
  });

  it('answers a missing file with a Vietnamese 404, not as a workbook', async () => {
    const response = await fetch(`${stack.current.baseUrl}/static/khong-co.xlsx`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Không tìm thấy trang.');
  });
});
