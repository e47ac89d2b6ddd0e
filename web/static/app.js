/*
 * The upload page of motcua-intake: a district clerk opens /u/<token>, sees which unit the link is for,
 * uploads a roster straight to S3 (presigned POST), and reads the verdict.
 *
 * Written in ES5 on purpose (var, function, XMLHttpRequest, no modules, no build step): clerks use old
 * Windows PCs and old browsers. XMLHttpRequest also reports upload progress, which fetch cannot.
 * Data from the server is only ever put into the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  // Until GET /api/settings answers: the API's default. The page then states and checks the API's own limit.
  var settings = { maxUploadBytes: 5 * 1024 * 1024, maxUploadLabel: '5 MB' };
  var POLL_FIRST_DELAY_MS = 1000;
  var POLL_MAX_DELAY_MS = 5000;
  var POLL_BACKOFF = 1.3;
  var POLL_GIVE_UP_MS = 2 * 60 * 1000;
  var API_TIMEOUT_MS = 30000;
  // The annotated workbook's link is signed for 5 minutes; an older one is swapped for a fresh one on click.
  var REPORT_LINK_FRESH_MS = 4 * 60 * 1000;
  var VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000; // UTC+7 all year: no daylight saving time in Vietnam.

  var CONTENT_TYPES = {
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    xlsm: 'application/vnd.ms-excel.sheet.macroEnabled.12',
    csv: 'text/csv'
  };

  // What the API, the validator, the dashboard and the CLI say too: web/static/messages.js (generated from
  // shared/messages.ts), loaded before this script. Only what this page alone shows is written below.
  var SHARED = window.MOTCUA_MESSAGES;
  var COLUMN_LABELS = window.MOTCUA_COLUMN_LABELS;

  var SEVERITY_LABELS = { error: SHARED.SEVERITY_ERROR, warning: SHARED.SEVERITY_WARNING };

  var STATUS_LABELS = {
    pending: 'Đang chờ kiểm tra',
    processing: 'Đang kiểm tra',
    accepted: 'Đã chấp nhận',
    rejected: 'Chưa hợp lệ',
    failed: 'Chưa kiểm tra được'
  };

  var CANCELLED_LABEL = 'Đã hủy';
  var REPLACED_LABEL = 'Đã được thay thế bằng tệp nộp sau';
  var UPLOAD_CANCELLED = 'UPLOAD_CANCELLED';

  /**
   * What the page says for each form. `{period}` stands for the link's month ("07/2021"), `{rows}` for a count.
   * The blank form of every link comes from GET /api/template, filled in for the link's unit and month.
   */
  var FORMS = {
    roster: {
      title: 'Tải lên danh sách cán bộ bộ phận một cửa',
      name: 'Danh sách cán bộ một cửa (Phụ lục 2)',
      explanation: 'Gửi danh sách công chức, viên chức bộ phận một cửa của đơn vị theo mẫu Phụ lục 2 (họ và tên, đơn vị, số CMND/CCCD, số điện thoại di động) để Trung tâm phân quyền tạo tài khoản công dân trên Cổng Dịch vụ công quốc gia. Danh sách được chấp nhận sau sẽ thay thế danh sách trước của đơn vị.',
      template: 'Tải mẫu Phụ lục 2 (Excel, trống)',
      action: 'Tải danh sách lên',
      accepted: 'Danh sách đã được chấp nhận: {rows} cán bộ',
      acceptedThanks: 'Không có lỗi nào. Cảm ơn đơn vị đã gửi danh sách.',
      rejected: 'Danh sách chưa hợp lệ — vui lòng sửa các lỗi dưới đây rồi tải lên lại',
      notRecorded: 'Danh sách này chưa được ghi nhận.'
    },
    results: {
      title: 'Tải lên kết quả hỗ trợ tạo tài khoản công dân',
      name: 'Kết quả hỗ trợ tạo tài khoản công dân tháng {period}',
      explanation: 'Gửi số tài khoản công dân mỗi cán bộ đã hỗ trợ tạo trên Cổng Dịch vụ công quốc gia trong tháng {period}. Tệp được chấp nhận sau sẽ thay thế tệp trước của cùng đơn vị và cùng tháng; nếu Trung tâm và đơn vị cùng báo cáo một cán bộ trong tháng, số liệu của Trung tâm được dùng.',
      template: 'Tải mẫu kết quả tháng {period} (Excel, trống)',
      action: 'Tải kết quả lên',
      accepted: 'Kết quả tháng {period} đã được chấp nhận: {rows} dòng',
      acceptedThanks: 'Không có lỗi nào. Cảm ơn đơn vị đã gửi kết quả.',
      rejected: 'Tệp kết quả chưa hợp lệ — vui lòng sửa các lỗi dưới đây rồi tải lên lại',
      notRecorded: 'Kết quả trong tệp này chưa được ghi nhận.'
    },
    grants: {
      title: 'Tải lên danh sách cán bộ đã được phân quyền',
      name: 'Danh sách cán bộ đã được phân quyền',
      explanation: 'Gửi danh sách cán bộ đã được phân quyền tạo tài khoản công dân trên Cổng Dịch vụ công quốc gia: dùng danh sách cán bộ xuất từ hệ thống (hoặc mẫu dưới đây) và điền cột “Ngày phân quyền” cho từng cán bộ đã được phân quyền.',
      template: 'Tải mẫu danh sách phân quyền (Excel, trống)',
      action: 'Tải danh sách phân quyền lên',
      accepted: 'Danh sách phân quyền đã được ghi nhận: {rows} cán bộ',
      acceptedThanks: 'Không có lỗi nào. Cảm ơn Trung tâm đã cập nhật danh sách phân quyền.',
      rejected: 'Danh sách phân quyền chưa hợp lệ — vui lòng sửa các lỗi dưới đây rồi tải lên lại',
      notRecorded: 'Danh sách này chưa được ghi nhận.'
    }
  };

  var MESSAGES = {
    linkInvalid: 'Đường dẫn không hợp lệ hoặc đã hết hạn. Vui lòng liên hệ Trung tâm Phục vụ hành chính công tỉnh để được cấp đường dẫn mới.',
    manyFiles: 'Vui lòng chỉ chọn một tệp mỗi lần.',
    preparing: 'Đang chuẩn bị tải lên…',
    uploading: 'Đang tải tệp lên, vui lòng không đóng trang…',
    uploaded: 'Đã tải tệp lên. Đang kiểm tra tệp, thường chỉ mất vài giây…',
    loadingResult: 'Đang lấy kết quả…',
    resultShown: 'Đã có kết quả kiểm tra, xem bên dưới.',
    uploadCancelled: 'Đã hủy tải lên. Bạn có thể chọn tệp và tải lên lại.',
    slow: 'Hệ thống đang xử lý lâu hơn bình thường… Kết quả sẽ hiện ở mục “Các lần tải lên trước”. Vui lòng chờ thêm ít phút rồi bấm “Kiểm tra lại kết quả”.',
    templateFailed: 'Chưa tải được mẫu. Vui lòng kiểm tra kết nối mạng rồi thử lại.',
    templateUnsupported: 'Trình duyệt này quá cũ nên không tải được mẫu. Vui lòng dùng trình duyệt khác (Chrome, Firefox, Cốc Cốc, Edge).',
    replaced: 'Tệp này đã được thay thế bằng tệp nộp sau, nên không cần sửa hay tải lên lại tệp này.'
  };

  /** `text` with `{name}` placeholders filled from `values`. */
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // ── Small helpers ────────────────────────────────────────────────────────────────────────────────────

  function byId(id) {
    return document.getElementById(id);
  }

  // The `hidden` attribute plus a CSS rule, because old engines do not know the `hidden` property.
  function show(element) {
    element.removeAttribute('hidden');
  }

  function hide(element) {
    element.setAttribute('hidden', 'hidden');
  }

  function setText(element, text) {
    element.textContent = text;
  }

  function clearChildren(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function cell(tagName, text, label) {
    var element = document.createElement(tagName);
    element.textContent = text;
    // Narrow screens show each table row as a card; the label comes from this attribute (see styles.css).
    if (label) element.setAttribute('data-label', label);
    return element;
  }

  function pad2(number) {
    return number < 10 ? '0' + number : String(number);
  }

  /** dd/mm/yyyy HH:mm in Vietnam time, whatever the PC's own time zone is set to. */
  function formatVietnamTime(iso) {
    var millis = typeof iso === 'string' ? Date.parse(iso) : NaN;
    if (isNaN(millis)) return '—';
    var local = new Date(millis + VIETNAM_OFFSET_MS);
    return pad2(local.getUTCDate()) + '/' + pad2(local.getUTCMonth() + 1) + '/' + local.getUTCFullYear() +
      ' ' + pad2(local.getUTCHours()) + ':' + pad2(local.getUTCMinutes());
  }

  /** "2021-06" → "Tháng 6/2021". */
  function formatPeriod(period) {
    var match = /^(\d{4})-(\d{2})$/.exec(period || '');
    return match ? 'Tháng ' + parseInt(match[2], 10) + '/' + match[1] : String(period || '');
  }

  /** "2021-07" → "07/2021", as form titles write a month. */
  function formatMonth(period) {
    var match = /^(\d{4})-(\d{2})$/.exec(period || '');
    return match ? match[2] + '/' + match[1] : String(period || '');
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + ' byte';
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + ' KB';
    return (Math.round(bytes / (1024 * 1024) * 10) / 10).toString().replace('.', ',') + ' MB';
  }

  function extensionOf(fileName) {
    var match = /\.([^./\\]+)$/.exec(fileName || '');
    return match ? match[1].toLowerCase() : '';
  }

  /** A table look-up that ignores inherited names ("constructor", …) coming from the server. */
  function lookup(table, key) {
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : null;
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (ignored) {
      return null;
    }
  }

  /** The link's token: from /u/<token>, else from ?t=<token>. */
  function readToken() {
    var pathMatch = /^\/u\/([^/?#]+)\/?$/.exec(window.location.pathname);
    if (pathMatch) return safeDecode(pathMatch[1]);
    var queryMatch = /[?&]t=([^&#]*)/.exec(window.location.search);
    return queryMatch ? safeDecode(queryMatch[1].replace(/\+/g, ' ')) : '';
  }

  function safeDecode(text) {
    try {
      return decodeURIComponent(text);
    } catch (ignored) {
      return '';
    }
  }

  // ── The API ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * One JSON call to the API on this origin. `done(error, body)`: `error` is null on a 2xx answer, else
   * `{ status, code, message }` where `message` is Vietnamese (the server's when it sent one).
   */
  function callApi(method, path, options, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, path, true);
    xhr.timeout = API_TIMEOUT_MS;
    xhr.setRequestHeader('Accept', 'application/json');
    if (options.token) xhr.setRequestHeader('Authorization', 'Bearer ' + options.token);
    if (options.json) xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        done(null, body || {});
        return;
      }
      var apiError = body && body.error ? body.error : {};
      done({
        status: xhr.status,
        code: apiError.code || '',
        message: typeof apiError.message === 'string' && apiError.message ? apiError.message
          : (xhr.status >= 500 ? SHARED.INTERNAL : SHARED.OFFLINE)
      }, null);
    };
    xhr.onerror = xhr.ontimeout = function () {
      done({ status: 0, code: 'NETWORK', message: SHARED.OFFLINE }, null);
    };
    xhr.send(options.json ? JSON.stringify(options.json) : null);
    return xhr;
  }

  function isLinkRefused(error) {
    return error && (error.status === 401 || error.status === 403);
  }

  // ── Page state ───────────────────────────────────────────────────────────────────────────────────────

  var token = readToken();
  var chosenFile = null;
  var uploadRequest = null; // the XMLHttpRequest of the upload under way, so that it can be cancelled
  var poll = null; // { uploadId, fileName, delay, giveUpAt, timer }
  var shownReport = null; // { uploadId, receivedAt } of the annotated workbook link on show
  var uploadingId = null; // the upload under way once the API has recorded it, so that a cancel can be recorded
  var link = { form: 'roster', period: '', unitName: '' }; // what GET /api/uploads said the link is for
  var replacedIds = {}; // uploadId → true for uploads a later accepted file replaced (from the last list)
  var elements = {};

  function collectElements() {
    var ids = ['loading', 'link-invalid', 'link-invalid-message', 'load-failed', 'load-failed-message', 'retry-load',
      'app', 'unit-name', 'form-name', 'period-label', 'period-value', 'expires-at', 'template-block',
      'upload-heading', 'upload-form', 'drop-zone', 'file-input', 'file-chosen', 'file-error', 'upload-button', 'cancel-button',
      'progress', 'progress-bar', 'progress-fill', 'progress-text', 'status', 'recheck-block', 'recheck-button',
      'verdict', 'verdict-heading', 'verdict-file', 'verdict-detail', 'report-block', 'report-link', 'report-hint',
      'issues-block', 'issues-heading', 'issues-body', 'history-empty', 'history-table', 'history-body',
      'page-title', 'form-explanation', 'template-link', 'template-error', 'max-size', 'receipt', 'receipt-number',
      'receipt-time', 'receipt-unit', 'receipt-file', 'receipt-body', 'print-receipt', 'support-name',
      'support-phone-block', 'support-email-block'];
    for (var i = 0; i < ids.length; i += 1) elements[ids[i]] = byId(ids[i]);
  }

  function setStatus(text) {
    setText(elements.status, text);
  }

  function showLinkInvalid(message) {
    stopPolling();
    hide(elements.loading);
    hide(elements['load-failed']);
    hide(elements.app);
    // The server's own Vietnamese reason when it gave one, the standard sentence otherwise.
    setText(elements['link-invalid-message'], message || MESSAGES.linkInvalid);
    show(elements['link-invalid']);
    elements['link-invalid'].focus();
  }

  // ── Loading the link ─────────────────────────────────────────────────────────────────────────────────

  function loadLink() {
    if (!token) {
      showLinkInvalid(MESSAGES.linkInvalid);
      return;
    }
    show(elements.loading);
    hide(elements['load-failed']);
    callApi('GET', '/api/uploads', { token: token }, function (error, body) {
      if (isLinkRefused(error)) {
        showLinkInvalid(error.message);
        return;
      }
      hide(elements.loading);
      if (error) {
        setText(elements['load-failed-message'], error.message);
        show(elements['load-failed']);
        return;
      }
      renderLink(body);
      renderHistory(body.uploads);
      show(elements.app);
    });
  }

  /** The upload limit the API enforces and whom to call: public, so a bad link still shows the contact. */
  function loadSettings() {
    callApi('GET', '/api/settings', {}, function (error, body) {
      if (error || !body) return;
      if (typeof body.maxUploadBytes === 'number' && body.maxUploadBytes > 0) {
        settings.maxUploadBytes = body.maxUploadBytes;
        if (typeof body.maxUploadLabel === 'string' && body.maxUploadLabel) settings.maxUploadLabel = body.maxUploadLabel;
        setText(elements['max-size'], settings.maxUploadLabel);
      }
      renderSupport(body.support || {});
    });
  }

  function renderSupport(support) {
    if (typeof support.name === 'string' && support.name) setText(elements['support-name'], support.name);
    // Only digits and phone punctuation go into a tel: link, only an address into a mailto: link.
    if (typeof support.phone === 'string' && /^[0-9+() .-]{3,30}$/.test(support.phone)) {
      supportLink(elements['support-phone-block'], ', điện thoại ', 'tel:' + support.phone.replace(/[^0-9+]/g, ''), support.phone);
    }
    if (typeof support.email === 'string' && /^[^\s@<>"]+@[^\s@<>"]+$/.test(support.email)) {
      supportLink(elements['support-email-block'], ', thư điện tử ', 'mailto:' + support.email, support.email);
    }
  }

  function supportLink(block, label, href, text) {
    clearChildren(block);
    block.appendChild(document.createTextNode(label));
    var anchor = document.createElement('a');
    anchor.href = href;
    anchor.textContent = text;
    block.appendChild(anchor);
    show(block);
  }

  function formText(key, values) {
    var texts = lookup(FORMS, link.form) || FORMS.roster;
    var merged = { period: link.period ? formatMonth(link.period) : '' };
    for (var name in values) {
      if (Object.prototype.hasOwnProperty.call(values, name)) merged[name] = values[name];
    }
    return fill(texts[key], merged);
  }

  function renderLink(body) {
    var unit = body.unit || {};
    link.form = lookup(FORMS, body.form) ? body.form : 'roster';
    link.period = typeof body.period === 'string' ? body.period : '';
    link.unitName = unit.name || unit.code || '—';
    setText(elements['unit-name'], link.unitName);
    setText(elements['page-title'], formText('title', {}));
    document.title = formText('title', {}) + ' – Bình Định';
    setText(elements['form-name'], formText('name', {}));
    setText(elements['form-explanation'], formText('explanation', {}));
    setText(elements['template-link'], formText('template', {}));
    setText(elements['upload-heading'], formText('action', {}));
    setText(elements['upload-button'], formText('action', {}));
    // A roster is not tied to a month; the monthly results form has a reporting period to show.
    if (link.period && link.form === 'results') {
      setText(elements['period-value'], formatPeriod(link.period));
      show(elements['period-label']);
      show(elements['period-value']);
    }
    setText(elements['expires-at'], formatVietnamTime(body.expiresAt));
  }

  // ── The blank form ───────────────────────────────────────────────────────────────────────────────────

  /**
   * The link's own blank form (its unit filled in), fetched with the token in a header and saved from
   * memory, so the token never lands in a URL, a log or a cache. A browser that cannot save a download from
   * memory gets the static blank roster template instead (the `href`), or a message for the other forms.
   */
  function downloadTemplate(event) {
    var canSave = window.Blob && (window.navigator.msSaveOrOpenBlob || (window.URL && window.URL.createObjectURL));
    if (!canSave || typeof new XMLHttpRequest().responseType !== 'string') {
      if (link.form === 'roster') return true;
      if (event && event.preventDefault) event.preventDefault();
      showTemplateError(MESSAGES.templateUnsupported);
      return false;
    }
    if (event && event.preventDefault) event.preventDefault();
    showTemplateError('');
    var xhr = new XMLHttpRequest();
    xhr.open('GET', '/api/template', true);
    xhr.responseType = 'blob';
    xhr.timeout = API_TIMEOUT_MS;
    xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    xhr.onload = function () {
      if (xhr.status < 200 || xhr.status >= 300 || !xhr.response) {
        showTemplateError(MESSAGES.templateFailed);
        return;
      }
      saveBlob(xhr.response, templateFileName(xhr.getResponseHeader('Content-Disposition')));
    };
    xhr.onerror = xhr.ontimeout = function () {
      showTemplateError(MESSAGES.templateFailed);
    };
    xhr.send(null);
    return false;
  }

  function templateFileName(disposition) {
    var match = /filename="([A-Za-z0-9._-]+)"/.exec(disposition || '');
    return match ? match[1] : 'mau.xlsx';
  }

  function saveBlob(blob, fileName) {
    if (window.navigator.msSaveOrOpenBlob) {
      window.navigator.msSaveOrOpenBlob(blob, fileName);
      return;
    }
    var url = window.URL.createObjectURL(blob);
    var anchor = document.createElement('a');
    anchor.href = url;
    anchor.setAttribute('download', fileName);
    anchor.style.display = 'none';
    document.body.appendChild(anchor);
    anchor.click();
    window.setTimeout(function () {
      document.body.removeChild(anchor);
      window.URL.revokeObjectURL(url);
    }, 60000);
  }

  function showTemplateError(message) {
    setText(elements['template-error'], message);
    if (message) show(elements['template-error']);
    else hide(elements['template-error']);
  }

  function refreshHistory() {
    callApi('GET', '/api/uploads', { token: token }, function (error, body) {
      if (!error && body) renderHistory(body.uploads);
    });
  }

  function renderHistory(uploads) {
    var list = Array.isArray(uploads) ? uploads : [];
    replacedIds = {};
    for (var j = 0; j < list.length; j += 1) {
      if (list[j] && list[j].replaced === true) replacedIds[list[j].uploadId] = true;
    }
    var tbody = elements['history-body'];
    clearChildren(tbody);
    if (list.length === 0) {
      show(elements['history-empty']);
      hide(elements['history-table']);
      return;
    }
    hide(elements['history-empty']);
    show(elements['history-table']);
    for (var i = 0; i < list.length; i += 1) tbody.appendChild(historyRow(list[i]));
  }

  function historyRow(upload) {
    var tr = document.createElement('tr');
    tr.appendChild(cell('td', formatVietnamTime(upload.createdAt), 'Thời gian'));
    tr.appendChild(cell('td', upload.fileName || '—', 'Tên tệp'));
    var status = cell('td', historyStatusLabel(upload), 'Kết quả');
    status.className = 'upload-status upload-status--' + historyStatusClass(upload);
    tr.appendChild(status);
    tr.appendChild(cell('td', typeof upload.rows === 'number' ? String(upload.rows) : '—', 'Số dòng'));
    var actions = document.createElement('td');
    actions.className = 'table__actions';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--small button--secondary';
    button.textContent = 'Xem kết quả';
    button.setAttribute('aria-label', 'Xem kết quả lần tải lên ' + formatVietnamTime(upload.createdAt) + ', tệp ' + (upload.fileName || ''));
    button.onclick = function () {
      startPolling(upload.uploadId, upload.fileName, MESSAGES.loadingResult);
    };
    actions.appendChild(button);
    tr.appendChild(actions);
    return tr;
  }

  function isCancelled(upload) {
    return upload.status === 'failed' && upload.failureCode === UPLOAD_CANCELLED;
  }

  function historyStatusLabel(upload) {
    if (upload.replaced === true) return REPLACED_LABEL;
    if (isCancelled(upload)) return CANCELLED_LABEL;
    return lookup(STATUS_LABELS, upload.status) || String(upload.status || '—');
  }

  function historyStatusClass(upload) {
    if (upload.replaced === true) return 'replaced';
    if (isCancelled(upload)) return 'cancelled';
    return lookup(STATUS_LABELS, upload.status) ? upload.status : 'unknown';
  }

  // ── Choosing a file ──────────────────────────────────────────────────────────────────────────────────

  /** The same checks the server makes, so a clerk on a slow link does not upload a file bound to fail. */
  function fileProblem(file) {
    if (!file) return fill(SHARED.NO_FILE, { action: formText('action', {}) });
    var extension = extensionOf(file.name);
    if (extension === 'xls') return SHARED.FILE_XLS_FORMAT;
    if (extension === 'doc' || extension === 'docx') return SHARED.FILE_WORD_DOCUMENT;
    if (extension === 'ods') return SHARED.FILE_ODS_FORMAT;
    if (!lookup(CONTENT_TYPES, extension)) return SHARED.UNSUPPORTED_TYPE;
    if (file.size === 0) return SHARED.FILE_EMPTY;
    if (file.size > settings.maxUploadBytes) return fill(SHARED.FILE_TOO_LARGE, { limit: settings.maxUploadLabel });
    return null;
  }

  function showFileError(message) {
    if (message) {
      setText(elements['file-error'], message);
      show(elements['file-error']);
    } else {
      setText(elements['file-error'], '');
      hide(elements['file-error']);
    }
  }

  function chooseFile(file) {
    chosenFile = file;
    if (file) {
      setText(elements['file-chosen'], 'Tệp đã chọn: ' + file.name + ' (' + formatSize(file.size) + ')');
      show(elements['file-chosen']);
    } else {
      hide(elements['file-chosen']);
    }
    showFileError(file ? fileProblem(file) : null);
  }

  function wireFileChoice() {
    var input = elements['file-input'];
    var zone = elements['drop-zone'];
    input.onchange = function () {
      chooseFile(input.files && input.files.length > 0 ? input.files[0] : null);
    };

    // A file dropped beside the zone would make the browser open it and leave the page.
    var ignoreDrop = function (event) {
      event.preventDefault();
    };
    document.addEventListener('dragover', ignoreDrop, false);
    document.addEventListener('drop', ignoreDrop, false);

    zone.addEventListener('dragover', function (event) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      zone.className = 'drop-zone drop-zone--active';
    }, false);
    zone.addEventListener('dragleave', function () {
      zone.className = 'drop-zone';
    }, false);
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      zone.className = 'drop-zone';
      var files = event.dataTransfer ? event.dataTransfer.files : null;
      if (!files || files.length === 0) return;
      if (files.length > 1) {
        chooseFile(null);
        showFileError(MESSAGES.manyFiles);
        return;
      }
      input.value = '';
      chooseFile(files[0]);
    }, false);
  }

  // ── Uploading ────────────────────────────────────────────────────────────────────────────────────────

  function setBusy(busy) {
    elements['upload-button'].disabled = busy;
    elements['file-input'].disabled = busy;
    if (busy) show(elements['cancel-button']);
    else hide(elements['cancel-button']);
  }

  function setProgress(percent) {
    var value = Math.max(0, Math.min(100, Math.round(percent)));
    elements['progress-fill'].style.width = value + '%';
    elements['progress-bar'].setAttribute('aria-valuenow', String(value));
    elements['progress-bar'].setAttribute('aria-valuetext', value + '%');
    // The percentage is written beside the bar, outside the live region: read out on every step it would be noise.
    setText(elements['progress-text'], 'Đã tải lên ' + value + '%');
  }

  function uploadFailed(message) {
    uploadRequest = null;
    uploadingId = null;
    setBusy(false);
    hide(elements.progress);
    setStatus('');
    showFileError(message);
    elements['file-error'].focus();
  }

  function startUpload() {
    var problem = fileProblem(chosenFile);
    showFileError(problem);
    if (problem) return;
    var file = chosenFile;
    stopPolling();
    hide(elements.verdict);
    hide(elements['recheck-block']);
    setBusy(true);
    setProgress(0);
    show(elements.progress);
    setStatus(MESSAGES.preparing);

    var extension = extensionOf(file.name);
    var request = { token: token, fileName: file.name, contentType: lookup(CONTENT_TYPES, extension), size: file.size };
    var asking = callApi('POST', '/api/uploads', { json: request }, function (error, grant) {
      // Cancelled while the API was recording the upload: it exists now, so record the cancellation too.
      if (asking.cancelled) {
        if (!error && grant && grant.uploadId) recordCancel(grant.uploadId);
        return;
      }
      uploadRequest = null;
      if (isLinkRefused(error)) {
        setBusy(false);
        showLinkInvalid(error.message);
        return;
      }
      if (error) {
        uploadFailed(error.message);
        return;
      }
      sendToStorage(file, grant);
    });
    uploadRequest = asking;
  }

  /** Tells the API the clerk cancelled, so history says "Đã hủy" instead of waiting for a file. */
  function recordCancel(uploadId) {
    callApi('POST', '/api/uploads/' + encodeURIComponent(uploadId) + '/cancel', { token: token }, function () {
      refreshHistory();
    });
  }

  /** The presigned POST: every policy field first, the file last, as S3 requires. */
  function sendToStorage(file, grant) {
    if (!grant || typeof grant.url !== 'string' || !grant.uploadId) {
      uploadFailed(SHARED.INTERNAL);
      return;
    }
    setStatus(MESSAGES.uploading);
    uploadingId = grant.uploadId;
    var form = new FormData();
    var fields = grant.fields || {};
    for (var name in fields) {
      if (Object.prototype.hasOwnProperty.call(fields, name)) form.append(name, fields[name]);
    }
    form.append('file', file);

    var xhr = new XMLHttpRequest();
    uploadRequest = xhr;
    xhr.open('POST', grant.url, true);
    if (xhr.upload) {
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        setProgress((event.loaded / event.total) * 100);
      };
    }
    xhr.onload = function () {
      uploadRequest = null;
      uploadingId = null;
      if (xhr.status >= 200 && xhr.status < 300) {
        setProgress(100);
        setBusy(false);
        hide(elements.progress);
        elements['file-input'].value = '';
        chooseFile(null);
        setStatus(MESSAGES.uploaded);
        startPolling(grant.uploadId, file.name, MESSAGES.uploaded);
        refreshHistory();
        return;
      }
      uploadFailed(storageErrorMessage(xhr));
    };
    xhr.onerror = function () {
      uploadFailed(SHARED.UPLOAD_NETWORK);
    };
    xhr.send(form);
  }

  /** S3 answers an XML error document; its <Code> says whether it was the size, the time, or something else. */
  function storageErrorMessage(xhr) {
    var match = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || '');
    var code = match ? match[1] : '';
    if (code === 'EntityTooLarge') return fill(SHARED.FILE_TOO_LARGE, { limit: settings.maxUploadLabel });
    if (code === 'EntityTooSmall') return SHARED.FILE_EMPTY;
    var expired = fill(SHARED.UPLOAD_EXPIRED, { action: formText('action', {}) });
    if (code === 'AccessDenied' && /expired/i.test(xhr.responseText)) return expired;
    if (code === 'ExpiredToken' || code === 'RequestTimeTooSkewed') return expired;
    return SHARED.STORAGE_REFUSED;
  }

  // ── Waiting for the verdict ──────────────────────────────────────────────────────────────────────────

  function stopPolling() {
    if (poll && poll.timer) window.clearTimeout(poll.timer);
    poll = null;
  }

  /** Asks every second at first, then a little less often, and stops after two minutes with a message. */
  function startPolling(uploadId, fileName, statusText) {
    stopPolling();
    hide(elements['recheck-block']);
    poll = {
      uploadId: uploadId,
      fileName: fileName || '',
      delay: POLL_FIRST_DELAY_MS,
      giveUpAt: Date.now() + POLL_GIVE_UP_MS,
      timer: null
    };
    setStatus(statusText);
    checkVerdict(poll);
  }

  function checkVerdict(current) {
    callApi('GET', '/api/uploads/' + encodeURIComponent(current.uploadId), { token: token }, function (error, body) {
      if (poll !== current) return; // a newer upload or a click on an older one took over
      if (isLinkRefused(error)) {
        showLinkInvalid(error.message);
        return;
      }
      // Not there yet (404), a network hiccup or a busy server: the answer may still come, so keep asking.
      var finished = !error && body && body.status !== 'pending' && body.status !== 'processing';
      if (finished) {
        stopPolling();
        renderVerdict(body, current.fileName, current.uploadId);
        refreshHistory();
        return;
      }
      if (Date.now() >= current.giveUpAt) {
        stopPolling();
        setStatus(MESSAGES.slow);
        elements['recheck-button'].onclick = function () {
          startPolling(current.uploadId, current.fileName, MESSAGES.loadingResult);
        };
        show(elements['recheck-block']);
        refreshHistory();
        return;
      }
      current.timer = window.setTimeout(function () {
        checkVerdict(current);
      }, current.delay);
      current.delay = Math.min(POLL_MAX_DELAY_MS, Math.round(current.delay * POLL_BACKOFF));
    });
  }

  // ── Showing the verdict ──────────────────────────────────────────────────────────────────────────────

  function hasIssueCode(issues, code) {
    for (var i = 0; i < issues.length; i += 1) {
      if (issues[i] && issues[i].code === code) return true;
    }
    return false;
  }

  function countBySeverity(issues, severity) {
    var count = 0;
    for (var i = 0; i < issues.length; i += 1) if (issues[i].severity === severity) count += 1;
    return count;
  }

  /** File-level issues first, then by row; the original order among equals (old engines sort unstably). */
  function sortIssues(issues) {
    var indexed = [];
    for (var i = 0; i < issues.length; i += 1) indexed.push({ issue: issues[i], index: i });
    indexed.sort(function (a, b) {
      var rowA = typeof a.issue.row === 'number' ? a.issue.row : -1;
      var rowB = typeof b.issue.row === 'number' ? b.issue.row : -1;
      return rowA !== rowB ? rowA - rowB : a.index - b.index;
    });
    var sorted = [];
    for (var j = 0; j < indexed.length; j += 1) sorted.push(indexed[j].issue);
    return sorted;
  }

  function issueCountText(errors, warnings) {
    var parts = [];
    if (errors > 0) parts.push(errors + ' lỗi');
    if (warnings > 0) parts.push(warnings + ' cảnh báo');
    return parts.join(' và ');
  }

  function isWebAddress(url) {
    return typeof url === 'string' && /^(https?:\/\/|\/)/i.test(url);
  }

  function renderVerdict(result, fileName, uploadId) {
    var issues = Array.isArray(result.issues) ? result.issues : [];
    var errors = countBySeverity(issues, 'error');
    var warnings = countBySeverity(issues, 'warning');
    var verdict = elements.verdict;
    var heading;
    var detail;
    var replaced = replacedIds[uploadId] === true;

    if (replaced && result.status !== 'pending' && result.status !== 'processing') {
      // A later accepted file took its place: nothing to fix here any more.
      verdict.className = 'card verdict verdict--replaced';
      heading = REPLACED_LABEL;
      detail = MESSAGES.replaced;
    } else if (result.status === 'accepted') {
      verdict.className = 'card verdict verdict--accepted';
      heading = formText('accepted', { rows: typeof result.rows === 'number' ? result.rows : 0 });
      detail = warnings > 0
        ? 'Có ' + issueCountText(0, warnings) + ' bên dưới. Tệp vẫn được chấp nhận; nên kiểm tra lại các điểm này.'
        : formText('acceptedThanks', {});
    } else if (result.status === 'rejected') {
      verdict.className = 'card verdict verdict--rejected';
      heading = formText('rejected', {});
      detail = 'Có ' + issueCountText(errors, warnings) + '. ' + formText('notRecorded', {});
    } else if (result.failureCode === UPLOAD_CANCELLED || hasIssueCode(issues, UPLOAD_CANCELLED)) {
      verdict.className = 'card verdict verdict--failed';
      heading = CANCELLED_LABEL;
      detail = SHARED.UPLOAD_CANCELLED;
    } else if (hasIssueCode(issues, 'UPLOAD_NOT_RECEIVED')) {
      verdict.className = 'card verdict verdict--failed';
      heading = 'Hệ thống chưa nhận được tệp này';
      detail = 'Có thể việc tải lên đã bị gián đoạn. Vui lòng tải tệp lên lại.';
    } else {
      verdict.className = 'card verdict verdict--failed';
      heading = 'Hệ thống chưa kiểm tra được tệp này';
      detail = 'Vui lòng tải lên lại sau ít phút. Nếu vẫn không được, liên hệ Trung tâm Phục vụ hành chính công tỉnh.';
    }
    setText(elements['verdict-heading'], heading);
    setText(elements['verdict-file'], fileName ? 'Tệp: ' + fileName : '');
    setText(elements['verdict-detail'], detail);
    // Focus moves to the verdict, which is read out from there; the status line just says it is done.
    setStatus(MESSAGES.resultShown);

    // Only a web address: the link must never run script, whatever the server sent. And only when some cell
    // is marked: a file refused as a whole (a Word file, an old .xls) has nothing to colour.
    if (!replaced && result.status === 'rejected' && isWebAddress(result.reportUrl) && hasRowIssue(issues)) {
      elements['report-link'].href = result.reportUrl;
      shownReport = { uploadId: uploadId, receivedAt: Date.now() };
      show(elements['report-block']);
      show(elements['report-hint']);
    } else {
      hide(elements['report-block']);
      hide(elements['report-hint']);
    }

    renderIssues(sortIssues(issues), errors, replaced);
    renderReceipt(!replaced && result.status === 'accepted' ? result : null, fileName, uploadId);
    show(verdict);
    verdict.focus();
  }

  function hasRowIssue(issues) {
    for (var i = 0; i < issues.length; i += 1) {
      if (issues[i] && typeof issues[i].row === 'number') return true;
    }
    return false;
  }

  /** An accepted roster's receipt: reference number, time, and the names and units recorded (never ID or phone). */
  function renderReceipt(result, fileName, uploadId) {
    var officials = result && Array.isArray(result.officials) ? result.officials : null;
    var tbody = elements['receipt-body'];
    clearChildren(tbody);
    if (!officials || officials.length === 0) {
      hide(elements.receipt);
      return;
    }
    setText(elements['receipt-number'], String(result.uploadId || uploadId || ''));
    setText(elements['receipt-time'], formatVietnamTime(result.createdAt));
    setText(elements['receipt-unit'], link.unitName);
    setText(elements['receipt-file'], fileName || result.fileName || '—');
    for (var i = 0; i < officials.length; i += 1) {
      var official = officials[i] || {};
      var tr = document.createElement('tr');
      tr.appendChild(cell('td', String(i + 1), 'STT'));
      tr.appendChild(cell('td', typeof official.name === 'string' ? official.name : '', 'Họ và tên'));
      tr.appendChild(cell('td', typeof official.unitName === 'string' ? official.unitName : '', 'Đơn vị'));
      tbody.appendChild(tr);
    }
    show(elements.receipt);
  }

  function renderIssues(issues, errors, replaced) {
    var tbody = elements['issues-body'];
    clearChildren(tbody);
    if (issues.length === 0) {
      hide(elements['issues-block']);
      return;
    }
    var warnings = issues.length - errors;
    var title = errors === 0 ? 'Các điểm cần lưu ý' : (warnings === 0 ? 'Các lỗi cần sửa' : 'Các lỗi cần sửa và cảnh báo');
    // A replaced file's issues are history: listed for reference, not as work to do.
    if (replaced) title = 'Các lỗi và cảnh báo của tệp này (để tham khảo)';
    setText(elements['issues-heading'], title + ' (' + issues.length + ')');
    for (var i = 0; i < issues.length; i += 1) {
      var issue = issues[i];
      var tr = document.createElement('tr');
      var severity = issue.severity === 'error' ? 'error' : 'warning';
      tr.className = 'issue issue--' + severity;
      tr.appendChild(cell('td', typeof issue.row === 'number' ? String(issue.row) : '—', 'Dòng'));
      tr.appendChild(cell('td', lookup(COLUMN_LABELS, issue.column) || '—', 'Cột'));
      var severityCell = cell('td', SEVERITY_LABELS[severity], 'Mức độ');
      severityCell.className = 'severity severity--' + severity;
      tr.appendChild(severityCell);
      tr.appendChild(cell('td', issue.message || '', 'Nội dung'));
      tbody.appendChild(tr);
    }
    show(elements['issues-block']);
  }

  /** A clerk who reads the issues for a while still gets the file, not S3's "expired" page. */
  function downloadReport(event) {
    if (!shownReport || Date.now() - shownReport.receivedAt < REPORT_LINK_FRESH_MS) return true;
    if (event && event.preventDefault) event.preventDefault();
    var uploadId = shownReport.uploadId;
    callApi('GET', '/api/uploads/' + encodeURIComponent(uploadId), { token: token }, function (error, body) {
      if (isLinkRefused(error)) {
        showLinkInvalid(error.message);
        return;
      }
      if (error || !body || !isWebAddress(body.reportUrl)) {
        setStatus(error ? error.message : SHARED.INTERNAL);
        return;
      }
      elements['report-link'].href = body.reportUrl;
      shownReport = { uploadId: uploadId, receivedAt: Date.now() };
      window.location.href = body.reportUrl;
    });
    return false;
  }

  // ── Start ────────────────────────────────────────────────────────────────────────────────────────────

  function start() {
    collectElements();
    wireFileChoice();
    elements['upload-form'].onsubmit = function (event) {
      if (event && event.preventDefault) event.preventDefault();
      if (!uploadRequest) startUpload();
      return false;
    };
    elements['cancel-button'].onclick = function () {
      if (!uploadRequest) return;
      var request = uploadRequest;
      var cancelledId = uploadingId;
      uploadRequest = null;
      if (cancelledId) {
        // The file is on its way to S3: stop it, and tell the API, which recorded the upload.
        request.abort();
        recordCancel(cancelledId);
      } else {
        // The API is still recording the upload: let it answer, then record the cancellation (see startUpload).
        request.cancelled = true;
      }
      uploadFailed(MESSAGES.uploadCancelled);
    };
    elements['retry-load'].onclick = loadLink;
    elements['report-link'].onclick = downloadReport;
    elements['template-link'].onclick = downloadTemplate;
    elements['print-receipt'].onclick = function () {
      window.print();
    };
    loadSettings();
    loadLink();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, false);
  else start();
})();
