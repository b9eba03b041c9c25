// facesweep live review page: vanilla JS, no build step. Every name from the corpus goes through textContent or
// setAttribute, never innerHTML.
(function () {
  'use strict';

  var state = { scan: null, sheet: null, plan: null, previewSeq: 0, previewVersion: 0 };
  var ACTIONS = ['keep', 'prune', 'quarantine_masked', 'quarantine_thin'];
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, String(attrs[k])); }
      });
    }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function setStatus(text, isError) {
    var s = $('status');
    s.textContent = text || '';
    s.classList.toggle('error', !!isError);
  }

  function api(method, url, body) {
    var init = { method: method, headers: { 'Accept': 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = { detail: t }; }
        if (!r.ok) {
          var err = new Error((data && (data.detail || data.title)) || ('HTTP ' + r.status));
          err.status = r.status;
          throw err;
        }
        return data;
      });
    });
  }

  function fmt(p) { return Number(p).toFixed(3); }
  function pct(f) { return Math.round(f * 100) + '%'; }

  // ------------------------------------------------------------------ thresholds

  function thresholdQuery() {
    var q = new URLSearchParams();
    ['image-threshold', 'faceset-fraction', 'min-survivors', 'near-band'].forEach(function (name) {
      var v = $(name).value.trim();
      if (v !== '') { q.append(name, v); }
    });
    document.querySelectorAll('#attribute-thresholds input').forEach(function (input) {
      var v = input.value.trim();
      if (v !== '') { q.append('attribute-threshold', input.dataset.attribute + '=' + v); }
    });
    return q.toString();
  }

  function renderAttributeInputs(attributes) {
    var box = $('attribute-thresholds');
    box.textContent = '';
    attributes.forEach(function (a) {
      var label = el('label', null, a + ' ');
      var input = el('input', { type: 'number', min: 0, max: 1, step: 0.01, placeholder: 'image',
        'data-attribute': a, 'aria-label': 'threshold of ' + a });
      input.addEventListener('input', schedulePreview);
      label.appendChild(input);
      box.appendChild(label);
    });
  }

  // ------------------------------------------------------------------ rendering

  function renderSheet(sheet) {
    state.sheet = sheet;
    var meta = $('scan-meta');
    meta.textContent = '';
    meta.appendChild(document.createTextNode(' (' + sheet.scan.state + ') · root '));
    meta.appendChild(el('code', null, sheet.scan.root));
    meta.appendChild(document.createTextNode(' · model '));
    meta.appendChild(el('code', null, sheet.scan.modelId));
    renderAttributeInputs(sheet.attributes);
    var main = $('facesets');
    main.textContent = '';
    sheet.facesets.forEach(function (f) { main.appendChild(renderFaceset(f)); });
    applyPreview(previewOf(sheet));
  }

  function renderFaceset(f) {
    var section = el('section', { 'class': 'faceset', 'data-faceset': f.name });
    var h2 = el('h2');
    h2.appendChild(el('span', { 'class': 'fs-name' }, f.name));
    h2.appendChild(el('span', { 'class': 'badge', 'data-role': 'action' }));
    h2.appendChild(el('span', { 'class': 'badge force', 'data-role': 'forced-keep', hidden: '' }, 'forced keep'));
    var facts = el('span', { 'class': 'fs-facts' });
    facts.appendChild(el('span', { 'data-role': 'driver-box' }));
    facts.appendChild(el('span', { 'data-role': 'fraction' }));
    facts.appendChild(document.createTextNode(' · ' + f.images.length + ' images'));
    h2.appendChild(facts);
    var keep = el('button', { type: 'button', 'class': 'faceset-keep', 'aria-pressed': 'false',
      title: 'leave this face set untouched whatever its scores' }, 'force keep face set');
    keep.addEventListener('click', function () {
      var on = keep.getAttribute('aria-pressed') !== 'true';
      putOverride('facesets', { name: f.name, force: on ? 'keep' : null });
    });
    var overrides = el('span', { 'class': 'overrides' });
    overrides.appendChild(keep);
    h2.appendChild(overrides);
    section.appendChild(h2);

    var unreadable = f.images.filter(function (i) { return i.status === 'unreadable'; });
    if (unreadable.length) {
      var ul = el('ul', { 'class': 'unreadable-list' });
      unreadable.forEach(function (i) {
        var li = el('li', { 'data-unreadable': i.path });
        li.appendChild(el('code', null, i.path));
        li.appendChild(document.createTextNode(': '));
        li.appendChild(el('span', { 'class': 'error' }, i.error));
        ul.appendChild(li);
      });
      section.appendChild(ul);
    }
    var grid = el('div', { 'class': 'grid' });
    f.images.forEach(function (i) { grid.appendChild(renderImage(i)); });
    section.appendChild(grid);
    return section;
  }

  function renderImage(i) {
    var fig = el('figure', { 'class': 'image', 'data-path': i.path });
    if (i.sha256 && i.status !== 'unreadable') {
      var img = el('img', { alt: i.name, loading: 'lazy', width: 128, height: 128,
        src: '/api/scans/' + encodeURIComponent(state.scan) + '/thumbs/' + encodeURIComponent(i.sha256) });
      img.addEventListener('error', function () {
        img.replaceWith(el('div', { 'class': 'no-thumb' }, 'no preview'));
      });
      fig.appendChild(img);
    } else {
      fig.appendChild(el('div', { 'class': 'no-thumb' }, i.status === 'unreadable' ? 'unreadable' : 'no preview'));
    }
    var cap = el('figcaption');
    cap.appendChild(el('span', { 'class': 'file', title: i.path }, i.name));
    cap.appendChild(el('span', { 'class': 'badges' }));
    var names = Object.keys(i.scores || {});
    if (names.length) {
      var table = el('table', { 'class': 'scores' });
      names.forEach(function (a) {
        var tr = el('tr', { 'data-attribute': a });
        tr.appendChild(el('th', null, a));
        tr.appendChild(el('td', null, fmt(i.scores[a])));
        table.appendChild(tr);
      });
      cap.appendChild(table);
    }
    if (i.error) { cap.appendChild(el('p', { 'class': 'error' }, i.error)); }
    var overrides = el('span', { 'class': 'overrides' });
    ['keep', 'drop'].forEach(function (force) {
      var b = el('button', { type: 'button', 'data-force-button': force, 'aria-pressed': 'false',
        title: force === 'keep' ? 'never drop this image' : 'drop this image whatever its scores' },
        'force ' + force);
      b.addEventListener('click', function () {
        var on = b.getAttribute('aria-pressed') !== 'true';
        putOverride('images', { path: i.path, force: on ? force : null });
      });
      overrides.appendChild(b);
    });
    cap.appendChild(overrides);
    fig.appendChild(cap);
    return fig;
  }

  // The preview part of a full sheet, in the shape of GET plan-preview.
  function previewOf(sheet) {
    var images = {};
    sheet.facesets.forEach(function (f) {
      f.images.forEach(function (i) {
        images[i.path] = { status: i.status, near: i.near, flaggedBy: i.flaggedBy, nearBy: i.nearBy,
          force: i.force, outcome: i.outcome };
      });
    });
    return { counts: sheet.counts, totals: sheet.totals, warnings: sheet.warnings, images: images,
      facesets: sheet.facesets.map(function (f) {
        return { name: f.name, action: f.action, driver: f.driver, flaggedFraction: f.flaggedFraction,
          counted: f.counted, flagged: f.flagged, forcedKeep: f.forcedKeep };
      }) };
  }

  var PLAIN = { status: 'ok', near: false, flaggedBy: [], nearBy: [], force: null, outcome: 'keep' };

  function applyPreview(p) {
    ACTIONS.forEach(function (a) {
      document.querySelector('[data-count="' + a + '"] .n').textContent = p.counts[a] || 0;
    });
    Object.keys(p.totals).forEach(function (k) {
      var t = document.querySelector('[data-total="' + k + '"]');
      if (t) { t.textContent = p.totals[k]; }
    });
    var warnings = $('warnings');
    warnings.textContent = '';
    (p.warnings || []).forEach(function (w) { warnings.appendChild(el('li', null, w)); });
    var byName = {};
    p.facesets.forEach(function (f) { byName[f.name] = f; });
    document.querySelectorAll('section.faceset').forEach(function (section) {
      var f = byName[section.dataset.faceset];
      if (!f) { return; }
      section.dataset.action = f.action;
      section.dataset.forcedKeep = String(f.forcedKeep);
      var badge = section.querySelector('[data-role="action"]');
      badge.className = 'badge action-' + f.action;
      badge.textContent = f.action;
      section.querySelector('[data-role="forced-keep"]').hidden = !f.forcedKeep;
      section.querySelector('button.faceset-keep').setAttribute('aria-pressed', String(f.forcedKeep));
      var driver = section.querySelector('[data-role="driver-box"]');
      driver.textContent = '';
      if (f.driver) {
        driver.appendChild(document.createTextNode('driver '));
        driver.appendChild(el('b', { 'data-role': 'driver' }, f.driver));
        driver.appendChild(document.createTextNode(' · '));
      }
      section.querySelector('[data-role="fraction"]').textContent =
        'flagged ' + f.flagged + '/' + f.counted + ' (' + pct(f.flaggedFraction) + ')';
    });
    document.querySelectorAll('figure.image').forEach(function (fig) {
      var m = p.images[fig.dataset.path] || PLAIN;
      fig.dataset.state = m.status;
      fig.dataset.near = String(m.near);
      fig.dataset.outcome = m.outcome;
      if (m.force) { fig.dataset.force = m.force; } else { delete fig.dataset.force; }
      var badges = fig.querySelector('.badges');
      badges.textContent = '';
      badges.appendChild(el('span', { 'class': 'badge state-' + m.status, 'data-role': 'state' }, m.status));
      if (m.near && m.status !== 'near') {
        badges.appendChild(el('span', { 'class': 'badge near', 'data-role': 'near' }, 'near'));
      }
      if (m.force) {
        badges.appendChild(el('span', { 'class': 'badge force', 'data-role': 'force' }, 'forced ' + m.force));
      }
      if (m.outcome !== 'keep') {
        badges.appendChild(el('span', { 'class': 'badge outcome-' + m.outcome, 'data-role': 'outcome' },
          m.outcome === 'drop' ? 'will be dropped' : 'moves with face set'));
      }
      fig.querySelectorAll('tr[data-attribute]').forEach(function (tr) {
        var a = tr.dataset.attribute;
        tr.className = m.flaggedBy.indexOf(a) >= 0 ? 'over' : (m.nearBy.indexOf(a) >= 0 ? 'close' : '');
      });
      fig.querySelectorAll('[data-force-button]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(m.force === b.dataset.forceButton));
      });
    });
    state.previewVersion += 1;
    document.body.dataset.previewVersion = String(state.previewVersion);
  }

  // ------------------------------------------------------------------ actions

  var previewTimer = null;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 150);
  }

  function refreshPreview() {
    var seq = ++state.previewSeq;
    document.body.dataset.state = 'updating';
    return api('GET', '/api/scans/' + encodeURIComponent(state.scan) + '/plan-preview?' + thresholdQuery())
      .then(function (p) {
        if (seq !== state.previewSeq) { return; }
        applyPreview(p);
        document.body.dataset.state = 'ready';
        setStatus('');
      })
      .catch(function (e) { document.body.dataset.state = 'error'; setStatus(e.message, true); });
  }

  function putOverride(kind, body) {
    document.body.dataset.state = 'updating';
    return api('PUT', '/api/scans/' + encodeURIComponent(state.scan) + '/overrides/' + kind, body)
      .then(refreshPreview)
      .catch(function (e) { document.body.dataset.state = 'error'; setStatus(e.message, true); });
  }

  function createPlan() {
    setStatus('creating the plan…');
    return api('POST', '/api/scans/' + encodeURIComponent(state.scan) + '/plans?' + thresholdQuery())
      .then(function (r) {
        state.plan = r;
        document.body.dataset.plan = r.plan;
        $('apply-open').disabled = false;
        setStatus('plan ' + r.plan + ' written to ' + r.path + ' (apply it with ' + r.apply + ', or apply…)');
      })
      .catch(function (e) { setStatus('no plan created: ' + e.message, true); });
  }

  function openApplyDialog() {
    if (!state.plan) { return; }
    $('apply-plan-id').textContent = state.plan.plan;
    $('apply-root').textContent = state.sheet ? state.sheet.scan.root : '';
    $('apply-summary').textContent = ACTIONS.map(function (a) {
      return a + ' ' + (state.plan.counts[a] || 0);
    }).join(', ');
    $('apply-confirm').value = '';
    $('apply-error').textContent = '';
    $('apply-result').textContent = '';
    $('apply-dialog').showModal();
    $('apply-confirm').focus();
  }

  function confirmApply() {
    var typed = $('apply-confirm').value;
    $('apply-error').textContent = '';
    return api('POST', '/api/plans/' + encodeURIComponent(state.plan.plan) + '/apply', { confirm: typed })
      .then(function (r) {
        $('apply-result').textContent = 'applied: ' + JSON.stringify(r);
        setStatus('plan ' + state.plan.plan + ' applied');
      })
      .catch(function (e) { $('apply-error').textContent = e.message; });
  }

  // ------------------------------------------------------------------ start

  function loadScan(id) {
    state.scan = id;
    state.plan = null;
    $('apply-open').disabled = true;
    document.body.dataset.state = 'loading';
    setStatus('loading scan ' + id + '…');
    return api('GET', '/api/scans/' + encodeURIComponent(id) + '?' + thresholdQuery())
      .then(function (sheet) { renderSheet(sheet); document.body.dataset.state = 'ready'; setStatus(''); })
      .catch(function (e) { document.body.dataset.state = 'error'; setStatus(e.message, true); });
  }

  function start() {
    var range = $('image-threshold-range');
    var number = $('image-threshold');
    range.addEventListener('input', function () { number.value = range.value; schedulePreview(); });
    number.addEventListener('input', function () { range.value = number.value; schedulePreview(); });
    ['faceset-fraction', 'min-survivors', 'near-band'].forEach(function (id) {
      $(id).addEventListener('input', schedulePreview);
    });
    $('thresholds').addEventListener('submit', function (e) { e.preventDefault(); });
    document.querySelectorAll('[data-filter]').forEach(function (b, _, all) {
      b.addEventListener('click', function () {
        document.body.classList.toggle('only-attention', b.dataset.filter === 'attention');
        all.forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
      });
    });
    $('create-plan').addEventListener('click', createPlan);
    $('apply-open').addEventListener('click', openApplyDialog);
    $('apply-confirm-button').addEventListener('click', confirmApply);
    $('apply-cancel').addEventListener('click', function () { $('apply-dialog').close(); });
    $('scan-select').addEventListener('change', function () { loadScan($('scan-select').value); });

    api('GET', '/api/scans').then(function (scans) {
      var select = $('scan-select');
      scans.forEach(function (s) {
        select.appendChild(el('option', { value: s.id }, s.id + ' · ' + s.root + ' · ' + s.images + ' images'));
      });
      if (!scans.length) {
        document.body.dataset.state = 'empty';
        setStatus('no scans in this state folder yet: run ./facesweep scan ROOT');
        return;
      }
      var wanted = new URLSearchParams(location.search).get('scan');
      var chosen = scans.some(function (s) { return s.id === wanted; }) ? wanted : scans[0].id;
      select.value = chosen;
      return loadScan(chosen);
    }).catch(function (e) { document.body.dataset.state = 'error'; setStatus(e.message, true); });
  }

  start();
})();
