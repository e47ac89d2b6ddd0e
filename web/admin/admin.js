/*
 * The centre's dashboard. Plain JavaScript, no build step: it signs in with the one-time link in the
 * address bar's fragment (#dang-nhap=…), keeps the CSRF token the session answer gives, and calls
 * /api/admin/* on the same origin. Every text from the server is set with textContent, never as HTML.
 */
(() => {
  const API = '/api/admin';
  const SIGN_IN_FRAGMENT = 'dang-nhap';
  const state = { csrfToken: null, units: null, sort: { key: null, direction: 1 } };

  // What the upload page, the API and the CLI say too: /static/messages.js (generated from shared/messages.ts),
  // loaded before this script. `{name}` is filled as the upload page fills it.
  const SHARED = window.MOTCUA_MESSAGES;
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));

  const $ = (id) => document.getElementById(id);
  const show = (element, visible) => {
    element.hidden = !visible;
  };

  const ROSTER_LABELS = { none: 'Chưa có', rejected: 'Bị từ chối', accepted: 'Đã nhận' };
  const DEADLINE_LABELS = { 'on-time': SHARED.DEADLINE_ON_TIME, late: SHARED.DEADLINE_LATE, missing: SHARED.DEADLINE_MISSING };
  const DEADLINE_BADGES = { 'on-time': 'ok', late: 'warn', missing: 'bad' };
  const RESULTS_LABELS = { unit: 'Đơn vị đã gửi', centre: 'Có số liệu Trung tâm', missing: 'Chưa có' };
  const FORM_LABELS = { roster: 'Danh sách cán bộ', results: 'Kết quả tháng', grants: 'Phân quyền' };

  // ── Formatting (Vietnam time, whatever the PC's time zone) ──────────────────────────────────────────
  const dateTimeFormat = new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const formatTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '–');
  const formatPeriod = (period) => (period ? `${period.slice(5, 7)}/${period.slice(0, 4)}` : '');

  function element(tag, options, children) {
    const node = document.createElement(tag);
    if (options) {
      if (options.text !== undefined) node.textContent = String(options.text);
      if (options.className) node.className = options.className;
      if (options.attrs) for (const [name, value] of Object.entries(options.attrs)) node.setAttribute(name, value);
    }
    for (const child of children || []) node.appendChild(child);
    return node;
  }
  const badge = (text, kind) => element('span', { text, className: `badge badge--${kind}` });
  const cell = (content, className) => {
    const td = element('td', className ? { className } : undefined);
    if (content instanceof Node) td.appendChild(content);
    else td.textContent = content;
    return td;
  };

  // ── Messages ─────────────────────────────────────────────────────────────────────────────────────────
  function say(text) {
    $('status').textContent = text;
    show($('status'), Boolean(text));
    if (text) show($('error'), false);
  }
  function fail(text) {
    $('error').textContent = text;
    show($('error'), Boolean(text));
    if (text) show($('status'), false);
  }

  // ── API ──────────────────────────────────────────────────────────────────────────────────────────────
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function request(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && state.csrfToken) headers['X-CSRF-Token'] = state.csrfToken;
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', SHARED.OFFLINE);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const error = json?.error ?? { code: 'INTERNAL', message: SHARED.INTERNAL };
      throw new ApiError(response.status, error.code, error.message);
    }
    return json;
  }

  /** Runs an action; a lost session goes back to the sign-in form, any other refusal is shown as is. */
  async function attempt(action) {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ADMIN_SIGN_IN_REQUIRED') {
        showSignIn();
      }
      fail(error instanceof ApiError ? error.message : 'Đã có lỗi trên trang. Vui lòng tải lại trang.');
      return undefined;
    }
  }

  // ── Sign-in ──────────────────────────────────────────────────────────────────────────────────────────
  function showSignIn() {
    state.csrfToken = null;
    show($('dashboard'), false);
    show($('who'), false);
    show($('sign-in'), true);
  }

  function startDashboard(session) {
    state.csrfToken = session.csrfToken;
    $('who-email').textContent = session.email;
    show($('who'), true);
    show($('sign-in'), false);
    show($('dashboard'), true);
    selectView('units');
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = $('sign-in-email').value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      fail('Địa chỉ thư điện tử chưa đúng. Ví dụ: ten.can.bo@binhdinh.gov.vn');
      return;
    }
    fail('');
    const sent = await attempt(() => request('POST', '/sign-in', { email }));
    if (sent) show($('sign-in-sent'), true);
  });

  $('sign-out').addEventListener('click', async () => {
    await attempt(() => request('DELETE', '/session'));
    showSignIn();
    say('Đã đăng xuất.');
  });

  async function boot() {
    const match = new RegExp(`^#${SIGN_IN_FRAGMENT}=([A-Za-z0-9_-]+)$`).exec(window.location.hash);
    if (match) {
      // The link works once: take it out of the address bar (and history) before using it.
      history.replaceState(null, '', window.location.pathname + window.location.search);
      say('Đang đăng nhập…');
      try {
        const session = await request('POST', '/session', { nonce: match[1] });
        say('');
        startDashboard(session);
      } catch (error) {
        showSignIn();
        fail(error instanceof ApiError ? error.message : 'Không đăng nhập được. Vui lòng thử lại.');
      }
      return;
    }
    try {
      startDashboard(await request('GET', '/session'));
    } catch (error) {
      showSignIn();
      if (!(error instanceof ApiError) || error.code !== 'ADMIN_SIGN_IN_REQUIRED') fail(error.message);
    }
  }

  // ── Views ────────────────────────────────────────────────────────────────────────────────────────────
  const VIEWS = {
    units: loadUnits,
    links: prepareLinks,
    reminders: () => undefined,
    roster: () => undefined,
    results: prepareResults,
    report: prepareReport,
    audit: loadAudit,
  };

  function selectView(name) {
    for (const tab of document.querySelectorAll('.tabs__tab')) {
      tab.setAttribute('aria-pressed', String(tab.dataset.view === name));
    }
    for (const view of Object.keys(VIEWS)) show($(`view-${view}`), view === name);
    show($('unit-uploads'), false);
    VIEWS[name]();
  }
  for (const tab of document.querySelectorAll('.tabs__tab')) {
    tab.addEventListener('click', () => {
      fail('');
      selectView(tab.dataset.view);
    });
  }

  // ── Units ────────────────────────────────────────────────────────────────────────────────────────────
  async function loadUnits() {
    const overview = await attempt(() => request('GET', '/units'));
    if (!overview) return;
    state.units = overview;
    $('units-caption').textContent =
      `Hạn nộp danh sách: ${overview.deadline.split('-').reverse().join('/')}. Kết quả tháng ${formatPeriod(overview.period)}.`;
    renderTotals(overview.totals);
    renderUnits();
    fillUnitChoices(overview.units);
  }

  function renderTotals(totals) {
    const items = [
      [totals.units, 'đơn vị', false],
      [totals.accepted, 'đã nhận danh sách', false],
      [totals.late, 'nộp trễ hạn', totals.late > 0],
      [totals.missing, 'chưa nộp', totals.missing > 0],
      [totals.rejected, 'bị từ chối (chưa có bản đạt)', totals.rejected > 0],
      [totals.officials, 'cán bộ trong danh sách', false],
      [totals.granted, 'cán bộ đã phân quyền', false],
      [totals.resultsReceived, 'đơn vị có kết quả tháng', false],
    ];
    $('totals').replaceChildren(
      ...items.map(([value, label, alert]) =>
        element('div', { className: alert ? 'total total--alert' : 'total' }, [
          element('span', { className: 'total__value', text: value.toLocaleString('vi-VN') }),
          element('span', { className: 'total__label', text: label }),
        ]),
      ),
    );
  }

  const FILTERS = {
    all: () => true,
    late: (u) => u.deadline === 'late',
    missing: (u) => u.deadline === 'missing',
    rejected: (u) => u.roster === 'rejected',
    accepted: (u) => u.roster === 'accepted',
    'results-missing': (u) => u.results === 'missing',
    district: (u) => u.kind === 'district',
    department: (u) => u.kind === 'department',
  };
  const SORT_VALUES = {
    name: (u) => u.name,
    roster: (u) => `${u.roster}:${String(u.officials).padStart(6, '0')}`,
    deadline: (u) => u.deadline,
    lastAttemptAt: (u) => u.lastAttemptAt || '',
    attempts: (u) => u.attempts,
    granted: (u) => u.granted,
    results: (u) => u.results,
    link: (u) => (u.link ? u.link.lastIssuedAt : ''),
  };

  function renderUnits() {
    if (!state.units) return;
    const filter = FILTERS[$('units-filter').value] || FILTERS.all;
    const search = $('units-search').value.trim().toLocaleLowerCase('vi');
    // No column chosen yet: the catalogue's order (districts, then departments), as the server sends it.
    const value = SORT_VALUES[state.sort.key] || ((u) => state.units.units.indexOf(u));
    const rows = state.units.units
      .filter(filter)
      .filter((u) => !search || u.name.toLocaleLowerCase('vi').includes(search) || u.code.includes(search))
      .sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'vi');
        return order * state.sort.direction;
      });
    for (const button of document.querySelectorAll('#units-table .sort')) {
      if (button.dataset.sort === state.sort.key) button.setAttribute('aria-sort', state.sort.direction > 0 ? 'ascending' : 'descending');
      else button.removeAttribute('aria-sort');
    }
    $('units-table').tBodies[0].replaceChildren(
      ...rows.map((u) =>
        element('tr', { attrs: { 'data-unit': u.code } }, [
          cell(unitButton(u)),
          cell(
            u.roster === 'accepted'
              ? badge(`${ROSTER_LABELS.accepted}: ${u.officials} cán bộ`, 'ok')
              : badge(ROSTER_LABELS[u.roster], u.roster === 'rejected' ? 'bad' : 'none'),
          ),
          cell(badge(DEADLINE_LABELS[u.deadline], DEADLINE_BADGES[u.deadline])),
          cell(formatTime(u.lastAttemptAt)),
          cell(String(u.attempts), 'num'),
          cell(u.roster === 'accepted' ? `${u.granted}/${u.officials}` : '–', 'num'),
          cell(badge(RESULTS_LABELS[u.results], u.results === 'missing' ? 'none' : 'ok')),
          cell(u.link ? `${u.link.count} lần, gần nhất ${formatTime(u.link.lastIssuedAt)}` : 'Chưa cấp'),
        ]),
      ),
    );
  }

  const UPLOAD_STATUS_LABELS = {
    pending: 'Chưa nhận được tệp',
    processing: 'Đang kiểm tra',
    accepted: 'Được chấp nhận',
    rejected: 'Chưa hợp lệ',
    failed: 'Không xử lý được',
  };

  function unitButton(u) {
    const button = element('button', { text: `${u.name} (${u.code})`, className: 'sort', attrs: { type: 'button', title: 'Xem các lần gửi của đơn vị' } });
    button.addEventListener('click', () => showUnitUploads(u));
    return button;
  }

  async function showUnitUploads(u) {
    const answer = await attempt(() => request('GET', `/units/${encodeURIComponent(u.code)}/uploads`));
    if (!answer) return;
    $('unit-uploads-title').textContent = `Các lần gửi của ${answer.unit.name}`;
    $('unit-uploads-table').tBodies[0].replaceChildren(
      ...(answer.uploads.length === 0
        ? [element('tr', undefined, [element('td', { text: 'Đơn vị chưa gửi tệp nào.', attrs: { colspan: '7' } })])]
        : answer.uploads.map((up) => {
            const annotated = up.annotated
              ? element('a', { text: 'Tải tệp', attrs: { href: `${API}/uploads/${up.uploadId}/annotated` } })
              : document.createTextNode('–');
            return element('tr', { attrs: { 'data-upload': up.uploadId } }, [
              cell(formatTime(up.createdAt)),
              cell(up.fileName),
              cell(up.form === 'results' ? `${FORM_LABELS.results} ${formatPeriod(up.period)}` : FORM_LABELS[up.form] || up.form),
              cell(badge(UPLOAD_STATUS_LABELS[up.status] || up.status, up.status === 'accepted' ? 'ok' : up.status === 'rejected' || up.status === 'failed' ? 'bad' : 'none')),
              cell(up.rows === null ? '–' : String(up.rows), 'num'),
              cell(up.issues === null ? '–' : String(up.issues), 'num'),
              cell(annotated),
            ]);
          })),
    );
    show($('unit-uploads'), true);
    $('unit-uploads').scrollIntoView({ block: 'nearest' });
  }

  $('units-filter').addEventListener('change', renderUnits);
  $('units-search').addEventListener('input', renderUnits);
  $('units-refresh').addEventListener('click', loadUnits);
  for (const button of document.querySelectorAll('#units-table .sort')) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort;
      state.sort = { key, direction: state.sort.key === key ? -state.sort.direction : 1 };
      renderUnits();
    });
  }

  // ── Links ────────────────────────────────────────────────────────────────────────────────────────────
  function fillUnitChoices(units) {
    const select = $('links-unit');
    if (select.options.length > 1) return;
    for (const u of units) select.appendChild(element('option', { text: `${u.name} (${u.code})`, attrs: { value: u.code } }));
  }

  async function prepareLinks() {
    if (!state.units) await loadUnits();
  }

  function linkRequest() {
    const unit = $('links-unit').value;
    const period = $('links-period').value;
    const days = Number($('links-days').value);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      fail('Hiệu lực của đường dẫn phải từ 1 đến 90 ngày.');
      return undefined;
    }
    const body = { units: unit === 'all' ? 'all' : [unit], form: $('links-form-kind').value, days };
    if (period) body.period = period;
    return body;
  }

  function renderLinks(links) {
    const table = $('links-table');
    table.tBodies[0].replaceChildren(
      ...links.map((link) => {
        const input = element('input', { attrs: { type: 'text', readonly: '', value: link.url, 'aria-label': `Đường dẫn của ${link.name}` } });
        const copy = element('button', { text: 'Sao chép', className: 'button button--light button--small', attrs: { type: 'button' } });
        copy.addEventListener('click', async () => {
          input.select();
          try {
            await navigator.clipboard.writeText(link.url);
          } catch {
            document.execCommand('copy');
          }
          say(`Đã sao chép đường dẫn của ${link.name}.`);
        });
        return element('tr', { attrs: { 'data-unit': link.code } }, [
          cell(link.name),
          cell(link.form === 'results' ? `${FORM_LABELS.results} ${formatPeriod(link.period)}` : FORM_LABELS[link.form]),
          cell(formatTime(link.expiresAt)),
          cell(element('div', { className: 'link-cell' }, [input, copy])),
        ]);
      }),
    );
    show(table, links.length > 0);
  }

  $('links-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = linkRequest();
    if (!body) return;
    const answer = await attempt(() => request('POST', '/links', body));
    if (!answer) return;
    renderLinks(answer.links);
    say(answer.links.length === 1 ? `Đã tạo đường dẫn cho ${answer.links[0].name}.` : `Đã tạo ${answer.links.length} đường dẫn.`);
  });

  $('links-send').addEventListener('click', async () => {
    const body = linkRequest();
    if (!body) return;
    if (body.units === 'all') {
      fail('Chọn một đơn vị để gửi đường dẫn qua thư điện tử.');
      return;
    }
    const answer = await attempt(() => request('POST', '/links/send', body));
    if (!answer) return;
    renderLinks([answer.link]);
    say(`Đã gửi đường dẫn của ${answer.link.name} đến ${answer.sentTo.join(', ')}.`);
  });

  // ── Reminders ────────────────────────────────────────────────────────────────────────────────────────
  function reminderRequest(preview) {
    const body = { form: $('reminders-form-kind').value, preview };
    const period = $('reminders-period').value;
    if (period && body.form === 'results') body.period = period;
    return body;
  }

  function renderReminderRows(rows) {
    const table = $('reminders-table');
    table.tBodies[0].replaceChildren(
      ...rows.map((row) =>
        element('tr', { attrs: { 'data-unit': row.code } }, [cell(`${row.name} (${row.code})`), cell(row.email || '–'), cell(row.result || '')]),
      ),
    );
    show(table, rows.length > 0);
  }

  function summarize(text) {
    $('reminders-summary').textContent = text;
    show($('reminders-summary'), Boolean(text));
  }

  async function previewReminders() {
    const answer = await attempt(() => request('POST', '/reminders', reminderRequest(true)));
    if (!answer) return undefined;
    renderReminderRows(answer.targets.map((t) => ({ ...t, result: t.email ? '' : 'Chưa có địa chỉ thư' })));
    summarize(answer.targets.length === 0 ? 'Không có đơn vị nào cần nhắc.' : `${answer.targets.length} đơn vị sẽ được nhắc.`);
    return answer;
  }

  $('reminders-form').addEventListener('submit', (event) => {
    event.preventDefault();
    previewReminders();
  });

  $('reminders-send').addEventListener('click', async () => {
    const preview = await previewReminders();
    if (!preview || preview.targets.length === 0) return;
    const withAddress = preview.targets.filter((t) => t.email);
    const names = withAddress.map((t) => t.name).join(', ');
    if (!window.confirm(`Gửi thư nhắc đến ${withAddress.length} đơn vị: ${names}?`)) return;
    const answer = await attempt(() => request('POST', '/reminders', reminderRequest(false)));
    if (!answer) return;
    const sent = new Map(answer.sent.map((s) => [s.code, s]));
    renderReminderRows(
      preview.targets.map((t) => ({
        ...t,
        result: sent.has(t.code)
          ? 'Đã gửi'
          : answer.alreadyToday.includes(t.code)
            ? 'Đã nhắc hôm nay, không gửi lại'
            : 'Chưa có địa chỉ thư',
      })),
    );
    summarize(`Đã gửi ${answer.sent.length} thư nhắc. ${answer.alreadyToday.length} đơn vị đã được nhắc hôm nay. ${answer.noAddress.length} đơn vị chưa có địa chỉ thư.`);
    say('Đã gửi thư nhắc.');
  });

  // ── Links: revoke ───────────────────────────────────────────────────────────────────────────────────
  $('links-revoke').addEventListener('click', async () => {
    const unit = $('links-unit').value;
    if (unit === 'all') {
      fail('Chọn một đơn vị để thu hồi đường dẫn.');
      return;
    }
    const name = $('links-unit').selectedOptions[0].textContent;
    if (!window.confirm(`Thu hồi mọi đường dẫn tải lên đã cấp cho ${name}? Các đường dẫn đó sẽ không dùng được nữa; đường dẫn cấp sau vẫn dùng được.`)) return;
    const answer = await attempt(() => request('POST', '/links/revoke', { unit }));
    if (answer) say(fill(SHARED.LINKS_REVOKED, { holder: name, revokedBefore: formatTime(answer.revokedBefore) }));
  });

  // ── The centre's own files (grants, the month's statistics), sent from this page ──────────────────────
  // The same path as the clerk's upload page: a presigned POST from the API, the file straight to S3, then
  // the verdict polled until processing ends. Nothing here checks the file: process-upload does.
  const POLL_FIRST_DELAY_MS = 1000;
  const POLL_MAX_DELAY_MS = 5000;
  const POLL_GIVE_UP_MS = 2 * 60 * 1000;
  const UPLOAD_MESSAGES = {
    sending: 'Đang gửi tệp…',
    checking: 'Đã gửi tệp, hệ thống đang kiểm tra…',
    slow: 'Hệ thống chưa kiểm tra xong tệp. Kết quả sẽ có trong "Nhật ký thao tác" khi kiểm tra xong; vui lòng xem lại sau ít phút.',
  };
  const SEVERITY_LABELS = { error: SHARED.SEVERITY_ERROR, warning: SHARED.SEVERITY_WARNING, info: 'Ghi chú' };
  /** Issues listed on the page; the annotated workbook has them all. */
  const MAX_ISSUES_SHOWN = 100;

  const wait = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

  /** The limit the API enforces, as the upload page states it; asked only when S3 refuses a file's size. */
  async function uploadLimitLabel() {
    try {
      const settings = await (await fetch('/api/settings', { headers: { Accept: 'application/json' } })).json();
      return typeof settings.maxUploadLabel === 'string' && settings.maxUploadLabel ? settings.maxUploadLabel : null;
    } catch {
      return null;
    }
  }

  /**
   * S3 answers an XML error document; its <Code> tells a file too large or empty, or a POST that expired on a
   * slow link, from anything else. `action` is the label of the button that sent the file.
   */
  async function storageRefusal(response, action) {
    const text = await response.text().catch(() => '');
    const code = (/<Code>([^<]+)<\/Code>/.exec(text) || [])[1] || '';
    if (code === 'EntityTooLarge') {
      const limit = await uploadLimitLabel();
      return limit ? fill(SHARED.FILE_TOO_LARGE, { limit }) : SHARED.STORAGE_REFUSED;
    }
    if (code === 'EntityTooSmall') return SHARED.FILE_EMPTY;
    const expired = (code === 'AccessDenied' && /expired/i.test(text)) || code === 'ExpiredToken' || code === 'RequestTimeTooSkewed';
    return expired ? fill(SHARED.UPLOAD_EXPIRED, { action }) : SHARED.STORAGE_REFUSED;
  }

  /** Polls the verdict with a growing delay; resolves to the finished upload, or null after two minutes. */
  async function awaitVerdict(uploadId) {
    const giveUpAt = Date.now() + POLL_GIVE_UP_MS;
    let delay = POLL_FIRST_DELAY_MS;
    for (;;) {
      try {
        const upload = await request('GET', `/uploads/${encodeURIComponent(uploadId)}`);
        if (upload.status !== 'pending' && upload.status !== 'processing') return upload;
      } catch (error) {
        // A lost session is the staff member's to fix; a hiccup may pass, so keep asking.
        if (error instanceof ApiError && error.code === 'ADMIN_SIGN_IN_REQUIRED') throw error;
      }
      if (Date.now() >= giveUpAt) return null;
      await wait(delay);
      delay = Math.min(POLL_MAX_DELAY_MS, Math.round(delay * 1.3));
    }
  }

  function renderIssues(upload) {
    const shown = upload.issues.slice(0, MAX_ISSUES_SHOWN);
    const list = element(
      'ul',
      { className: 'issues' },
      shown.map((issue) =>
        element('li', { className: `issue issue--${issue.severity}` }, [
          element('span', { className: 'issue__where', text: `${SEVERITY_LABELS[issue.severity] || issue.severity}${issue.row ? `, dòng ${issue.row}` : ''}: ` }),
          document.createTextNode(issue.message),
        ]),
      ),
    );
    const more = upload.issues.length - shown.length;
    return more > 0 ? [list, element('p', { className: 'muted', text: `… và ${more} lỗi, lưu ý khác (xem trong tệp đánh dấu lỗi).` })] : [list];
  }

  /** The verdict block: accepted (with what it means) or not, the issues, and the annotated workbook. */
  function renderVerdict(box, upload, acceptedText) {
    const accepted = upload.status === 'accepted';
    const headline = accepted
      ? acceptedText
      : upload.status === 'rejected'
        ? `Tệp "${upload.fileName}" chưa hợp lệ: chưa ghi nhận dòng nào. Vui lòng sửa các lỗi dưới đây rồi gửi lại.`
        : `Không xử lý được tệp "${upload.fileName}".`;
    const children = [element('p', { className: `notice ${accepted ? 'notice--ok' : 'notice--error'} verdict__headline`, text: headline })];
    if (upload.issues.length > 0) children.push(...renderIssues(upload));
    if (upload.reportUrl) {
      children.push(
        element('p', undefined, [
          element('a', {
            text: accepted ? 'Tải tệp đánh dấu các dòng cần lưu ý' : 'Tải tệp đánh dấu lỗi (các ô sai tô đỏ)',
            className: 'button button--light',
            attrs: { href: `${API}/uploads/${encodeURIComponent(upload.uploadId)}/annotated` },
          }),
        ]),
      );
    }
    box.dataset.status = upload.status;
    box.replaceChildren(...children);
    show(box, true);
  }

  /** Sends one of the centre's files and shows its verdict; resolves to the finished upload, or undefined. */
  async function sendCentreFile({ form, period, input, button, box, acceptedText }) {
    const file = input.files?.[0];
    if (!file) {
      fail(fill(SHARED.NO_FILE, { action: button.textContent }));
      input.focus();
      return undefined;
    }
    fail('');
    show(box, false);
    button.disabled = true;
    try {
      say(UPLOAD_MESSAGES.sending);
      const body = { form, fileName: file.name, contentType: file.type || '', size: file.size };
      if (period) body.period = period;
      const grant = await attempt(() => request('POST', '/uploads', body));
      if (!grant) return undefined;
      const data = new FormData();
      // Every policy field first, the file last, as S3 requires.
      for (const [name, value] of Object.entries(grant.fields)) data.append(name, value);
      data.append('file', file);
      let stored;
      try {
        stored = await fetch(grant.url, { method: 'POST', body: data });
      } catch {
        fail(SHARED.UPLOAD_NETWORK);
        return undefined;
      }
      if (!stored.ok) {
        fail(await storageRefusal(stored, button.textContent));
        return undefined;
      }
      say(UPLOAD_MESSAGES.checking);
      const upload = await attempt(() => awaitVerdict(grant.uploadId));
      if (upload === undefined) return undefined;
      if (upload === null) {
        say(UPLOAD_MESSAGES.slow);
        return undefined;
      }
      say('');
      renderVerdict(box, upload, acceptedText(upload));
      input.value = '';
      return upload;
    } finally {
      button.disabled = false;
    }
  }

  const countText = (n) => Number(n || 0).toLocaleString('vi-VN');

  $('grants-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const upload = await sendCentreFile({
      form: 'grants',
      input: $('grants-file'),
      button: $('grants-send'),
      box: $('grants-verdict'),
      acceptedText: (u) => `Đã ghi nhận ngày phân quyền từ tệp "${u.fileName}" (${countText(u.rows)} dòng đã đọc).`,
    });
    if (upload?.status !== 'accepted') return;
    // What the staff member wants to know next: how far the province is now.
    const overview = await attempt(() => request('GET', '/units'));
    if (!overview) return;
    state.units = overview;
    $('grants-verdict').appendChild(
      element('p', {
        className: 'grants-total',
        text: `Toàn tỉnh hiện có ${countText(overview.totals.granted)} trên ${countText(overview.totals.officials)} cán bộ trong danh sách đã được phân quyền.`,
      }),
    );
  });

  // ── Results: the month's statistics and the rows no roster lists ─────────────────────────────────────
  function vietnamMonthOffset(offset) {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
    const year = Number(parts.find((p) => p.type === 'year').value);
    const month = Number(parts.find((p) => p.type === 'month').value) - 1 + offset;
    const date = new Date(Date.UTC(year, month, 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  }

  function prepareResults() {
    // The months the API takes: from 01/2021 to next month (Vietnam time), like a link's.
    $('results-period').max = vietnamMonthOffset(1);
    if (!$('results-period').value) $('results-period').value = vietnamMonthOffset(-1);
    loadUnattributed();
  }

  function resultsPeriod() {
    const period = $('results-period').value;
    if (!/^\d{4}-\d{2}$/.test(period)) {
      fail('Chọn tháng của số liệu.');
      return undefined;
    }
    return period;
  }

  async function loadUnattributed() {
    const period = resultsPeriod();
    if (!period) return;
    const answer = await attempt(() => request('GET', `/results/unattributed?period=${period}`));
    if (!answer || answer.period !== $('results-period').value) return;
    const table = $('unattributed-table');
    $('unattributed-summary').textContent = !answer.file
      ? `Trung tâm chưa gửi số liệu tháng ${formatPeriod(period)}.`
      : answer.rows.length === 0
        ? `Số liệu tháng ${formatPeriod(period)} (nhận lúc ${formatTime(answer.file.receivedAt)}): mọi dòng đều đã xác định được đơn vị.`
        : `Số liệu tháng ${formatPeriod(period)} (nhận lúc ${formatTime(answer.file.receivedAt)}): ${answer.rows.length} trên ${answer.file.rowCount} dòng chưa xác định được đơn vị, ${countText(answer.accountsCreated)} tài khoản.`;
    table.tBodies[0].replaceChildren(
      ...answer.rows.map((row) =>
        element('tr', { attrs: { 'data-row': String(row.row) } }, [
          cell(String(row.row), 'num'),
          cell(row.name === null ? '(không ghi tên hoặc tên có chữ số: xem trong tệp)' : row.name),
          cell(countText(row.accountsCreated), 'num'),
        ]),
      ),
    );
    show(table, answer.rows.length > 0);
  }

  $('results-period').addEventListener('change', () => {
    show($('results-verdict'), false);
    loadUnattributed();
  });

  $('results-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const period = resultsPeriod();
    if (!period) return;
    const upload = await sendCentreFile({
      form: 'results',
      period,
      input: $('results-file'),
      button: $('results-send'),
      box: $('results-verdict'),
      acceptedText: (u) => {
        const unattributed = u.issues.filter((issue) => issue.code === 'RESULTS_UNATTRIBUTED').length;
        return `Đã nhận số liệu tháng ${formatPeriod(u.period)} từ tệp "${u.fileName}": ${countText(u.rows)} dòng${
          unattributed > 0 ? `, trong đó ${unattributed} dòng chưa xác định được đơn vị (xem bên dưới)` : ', mọi dòng đều đã xác định được đơn vị'
        }.`;
      },
    });
    if (upload) await loadUnattributed();
  });

  // ── Report ───────────────────────────────────────────────────────────────────────────────────────────
  function prepareReport() {
    if (!$('report-period').value) $('report-period').value = vietnamMonthOffset(-1);
  }

  async function loadReport() {
    const period = $('report-period').value;
    if (!/^\d{4}-\d{2}$/.test(period)) {
      fail('Chọn tháng báo cáo.');
      return undefined;
    }
    say('Đang tính số liệu…');
    const answer = await attempt(() => request('GET', `/report?period=${period}`));
    if (!answer) return undefined;
    say('');
    $('report-subject').textContent = answer.subject;
    const totals = answer.totals;
    $('report-totals').replaceChildren(
      ...Object.entries(totals)
        // Only the figures this page knows how to name in Vietnamese.
        .filter(([key, value]) => typeof value === 'number' && REPORT_TOTAL_LABELS[key])
        .map(([key, value]) =>
          element('div', { className: 'total' }, [
            element('span', { className: 'total__value', text: value.toLocaleString('vi-VN') }),
            element('span', { className: 'total__label', text: REPORT_TOTAL_LABELS[key] }),
          ]),
        ),
    );
    $('report-recipients').textContent = answer.recipients.join(', ');
    $('report-unattributed').textContent =
      answer.unattributed.rows > 0
        ? `Số liệu của Trung tâm có ${answer.unattributed.rows} dòng chưa xác định được đơn vị (${answer.unattributed.accountsCreated.toLocaleString('vi-VN')} tài khoản): vẫn được tính vào tổng toàn tỉnh.`
        : 'Mọi dòng số liệu đều đã xác định được đơn vị.';
    $('report-sent').textContent = answer.sentAt ? `Báo cáo tháng ${formatPeriod(period)} đã được gửi lúc ${formatTime(answer.sentAt)}.` : '';
    show($('report-sent'), Boolean(answer.sentAt));
    $('report-preview').href = `${API}/report/preview?period=${period}`;
    $('report-workbook').href = `${API}/report/workbook?period=${period}`;
    show($('report-summary'), true);
    return answer;
  }
  const REPORT_TOTAL_LABELS = {
    officials: 'cán bộ trong danh sách',
    granted: 'cán bộ đã phân quyền',
    accountsCreated: 'tài khoản tạo trong tháng',
    cumulative: 'tài khoản lũy kế',
    previousMonth: 'tài khoản tháng trước',
    change: 'thay đổi so với tháng trước',
    unitsReported: 'đơn vị đã báo cáo',
    unitsMissing: 'đơn vị chưa báo cáo',
  };

  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadReport();
  });

  $('report-send').addEventListener('click', async () => {
    const report = await loadReport();
    if (!report) return;
    const period = report.period;
    const warning = report.sentAt ? `\n\nLƯU Ý: báo cáo tháng này ĐÃ được gửi lúc ${formatTime(report.sentAt)}. Gửi lại?` : '';
    if (!window.confirm(`Gửi báo cáo tháng ${formatPeriod(period)} đến: ${report.recipients.join(', ')}?${warning}`)) return;
    const answer = await attempt(() => request('POST', '/report/send', { period, force: Boolean(report.sentAt) }));
    if (!answer) return;
    if (answer.outcome === 'already-sent') {
      fail(fill(SHARED.REPORT_ALREADY_SENT, { period: formatPeriod(period), sentAt: formatTime(answer.sentAt) }));
      return;
    }
    await loadReport();
    say(`Đã gửi báo cáo tháng ${formatPeriod(period)} đến ${answer.recipients.join(', ')}.`);
  });

  // ── Audit ────────────────────────────────────────────────────────────────────────────────────────────
  function describeDetail(detail) {
    const parts = [];
    if (detail.units) parts.push(detail.units.length > 3 ? `${detail.units.length} đơn vị` : `đơn vị ${detail.units.join(', ')}`);
    if (detail.form) parts.push(FORM_LABELS[detail.form] || detail.form);
    if (detail.period) parts.push(`tháng ${formatPeriod(detail.period)}`);
    if (detail.count !== undefined && !detail.units) parts.push(`${detail.count}`);
    return parts.join(' · ') || '–';
  }

  /** How a file sent from this page fared: the entry is written when it is sent, the verdict comes later. */
  function describeUpload(upload) {
    if (!upload) return '';
    const label = `Tệp: ${(UPLOAD_STATUS_LABELS[upload.status] || upload.status).toLocaleLowerCase('vi')}`;
    if (upload.status === 'accepted') return `${label} (${countText(upload.rows)} dòng)`;
    if (upload.status === 'rejected') return `${label} (${countText(upload.issues)} lỗi, lưu ý)`;
    return label;
  }

  async function loadAudit() {
    const answer = await attempt(() => request('GET', '/audit'));
    if (!answer) return;
    $('audit-table').tBodies[0].replaceChildren(
      ...answer.entries.map((entry) =>
        element('tr', entry.detail.uploadId ? { attrs: { 'data-upload': entry.detail.uploadId } } : undefined, [
          cell(formatTime(entry.at)),
          cell(entry.actor),
          cell(entry.label),
          cell([describeDetail(entry.detail), describeUpload(entry.upload)].filter(Boolean).join(' · ')),
        ]),
      ),
    );
  }

  // A sign-in link opened in a tab already on /admin changes only the fragment: no reload, so listen for it.
  window.addEventListener('hashchange', () => {
    if (window.location.hash.indexOf(`#${SIGN_IN_FRAGMENT}=`) === 0) boot();
  });
  boot();
})();
