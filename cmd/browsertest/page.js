// Helpers that cmd/browsertest installs in a classic Notebook page as
// window.__bt. Every function returns plain JSON-able values.
(() => {
  if (window.__bt) return true;
  if (!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.events)) return false;
  const bt = {dead: 0, restarts: 0, clicks: 0, panelCells: new Set()};
  const ev = Jupyter.notebook.events;
  ev.on('kernel_dead.Kernel kernel_dead.Session', () => { bt.dead++; });
  ev.on('kernel_restarting.Kernel', () => { bt.restarts++; });
  // Never save the scratch copy, and never ask before leaving the page.
  Jupyter.notebook.set_autosave_interval(0);
  window.onbeforeunload = null;

  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const codeCells = () => Jupyter.notebook.get_cells()
    .map((c, i) => ({c, i}))
    .filter((x) => x.c.cell_type === 'code');
  const firstLine = (c) => {
    const lines = c.get_text().split('\n').map((l) => l.trim())
      .filter((l) => l !== '' && l !== '%%');
    return lines.length ? lines[0].slice(0, 80) : '';
  };
  const prompt = (c) => {
    const p = c.input_prompt_number;
    return p === undefined || p === null ? '' : String(p);
  };
  bt.visible = visible;

  // ready: the notebook is loaded and its kernel connected, answered
  // kernel_info and is idle.
  bt.ready = () => {
    const k = Jupyter.notebook.kernel;
    return !!(Jupyter.notebook._fully_loaded && k && k.is_connected() &&
      k.info_reply && Object.keys(k.info_reply).length > 0 &&
      $('#kernel_indicator_icon').hasClass('kernel_idle_icon'));
  };

  // poll: the execution state; with click, presses every visible Done
  // button of a live panel (at most once every 2 s per button).
  bt.poll = (click) => {
    const cells = codeCells();
    let clicked = 0;
    for (const {c, i} of cells) {
      if (c.element[0].querySelector('.rlc-live')) bt.panelCells.add(i);
    }
    if (click) {
      const now = Date.now();
      document.querySelectorAll('.rlc-live[data-state="ready"] .rlc-done').forEach((b) => {
        if (!visible(b) || b.disabled) return;
        if (b.__btClicked && now - b.__btClicked < 2000) return;
        b.__btClicked = now;
        b.click();
        clicked++;
        bt.clicks++;
      });
    }
    const running = cells.filter(({c}) => prompt(c) === '*');
    return {
      idle: $('#kernel_indicator_icon').hasClass('kernel_idle_icon'),
      running: running.length,
      current: running.length ? running[0].i : -1,
      unrun: cells.filter(({c}) => !/^[0-9]+$/.test(prompt(c)) && prompt(c) !== '*').length,
      dead: bt.dead,
      restarts: bt.restarts,
      panels: bt.panelCells.size,
      clicked: clicked,
      clicks: bt.clicks,
    };
  };

  // runAll: Cell → Run All.
  bt.runAll = () => { Jupyter.notebook.execute_all_cells(); return true; };
  // runCell: run the code cell at notebook index i.
  bt.runCell = (i) => { Jupyter.notebook.get_cell(i).execute(); return true; };
  // interrupt: Kernel → Interrupt.
  bt.interrupt = () => { Jupyter.notebook.kernel.interrupt(); return true; };

  // report: per code cell, what the checks need.
  bt.report = () => codeCells().map(({c, i}) => {
    const el = c.element[0];
    const subs = Array.from(el.querySelectorAll('.output_subarea'));
    const text = (sel) => subs.filter((s) => s.matches(sel)).map((s) => s.innerText.slice(0, 2000));
    let figures = 0;
    el.querySelectorAll('.output_subarea svg, .output_subarea img').forEach((f) => {
      if (f.closest('.rlc-live')) return;
      if (f.tagName.toLowerCase() === 'svg' && f.parentElement.closest('svg')) return;
      figures++;
    });
    return {
      index: i,
      first: firstLine(c),
      prompt: prompt(c),
      errors: text('.output_error'),
      stderr: text('.output_stderr'),
      text: subs.map((s) => s.innerText).join('\n').slice(0, 4000),
      figures: figures,
      finals: Array.from(el.querySelectorAll('.rlc-final')).map((f) => f.dataset.values || ''),
      leftovers: el.querySelectorAll('.rlc-live, .rlc-figure').length,
      panel: bt.panelCells.has(i),
    };
  });

  // The slider check: begin picks the first live panel (and a slider in
  // it, by name when given), move sets the slider one step away, state
  // reads the panel's figure.
  const figureOf = (cellEl) => cellEl.querySelector('.rlc-figure');
  bt.slider = {};
  bt.slider.begin = (name) => {
    const panel = document.querySelector('.rlc-live');
    if (!panel) return {ok: false, why: 'no live panel'};
    if (panel.dataset.state !== 'ready') return {ok: false, why: 'the panel is not ready (data-state="' + (panel.dataset.state || '') + '")'};
    const cellEl = panel.closest('.cell');
    const sliders = Array.from(panel.querySelectorAll('input.rlc-slider'));
    const s = name ? sliders.find((x) => x.dataset.name === name) : sliders[0];
    if (!s) {
      return {ok: false, why: 'no slider' + (name ? ' named ' + name : '') + ' in the panel (sliders: ' +
        sliders.map((x) => x.dataset.name).join(', ') + ')'};
    }
    const cells = Jupyter.notebook.get_cells();
    bt.slider.cellEl = cellEl;
    bt.slider.el = s;
    bt.slider.cell = cells.findIndex((c) => c.element[0] === cellEl);
    return Object.assign({ok: true, cell: bt.slider.cell, name: s.dataset.name || '',
      min: s.min, max: s.max, value: s.value}, bt.slider.state());
  };
  bt.slider.state = () => {
    const s = bt.slider.el;
    const cellEl = bt.slider.cellEl;
    const fig = figureOf(cellEl);
    const shown = cellEl.querySelector('.rlc-value[data-name="' + (s.dataset.name || '') + '"]');
    return {
      figure: !!fig,
      values: fig ? (fig.dataset.values || '') : '',
      state: fig ? (fig.dataset.state || '') : '',
      html: fig ? fig.innerHTML : '',
      svg: fig ? fig.querySelectorAll('svg, img').length : 0,
      shown: shown ? shown.textContent.trim() : '',
      value: s.isConnected ? s.value : (cellEl.querySelector('input.rlc-slider[data-name="' + (s.dataset.name || '') + '"]') || {}).value || '',
    };
  };
  bt.slider.move = () => {
    let s = bt.slider.el;
    if (!s.isConnected) s = bt.slider.el = bt.slider.cellEl.querySelector('input.rlc-slider[data-name="' + (s.dataset.name || '') + '"]');
    const v = Number(s.value), lo = Number(s.min || 0), hi = Number(s.max || 100), step = Number(s.step || 1) || 1;
    const to = v + step <= hi ? v + step : v - step;
    if (to < lo) return {ok: false, why: 'slider range ' + lo + '..' + hi + ' has one value'};
    s.value = String(to);
    s.dispatchEvent(new Event('input', {bubbles: true}));
    s.dispatchEvent(new Event('change', {bubbles: true}));
    return {ok: true, to: s.value};
  };
  // bad sends the program an out-of-range position for the slider, the
  // way a tampered page would, through GoNB's gonb_comm and the panel's
  // address (/rlcontrol/live/ID for the panel rlc-live-ID).
  bt.slider.bad = () => {
    const panel = bt.slider.cellEl.querySelector('.rlc-live');
    const comm = globalThis.gonb_comm;
    if (!panel || !comm) return false;
    comm.send('/rlcontrol/live/' + panel.id.replace('rlc-live-', ''), 'set ' + (bt.slider.el.dataset.name || '') + ' 9999');
    return true;
  };
  bt.slider.status = () => {
    const fig = figureOf(bt.slider.cellEl);
    const st = fig ? fig.querySelector('.rlc-status') : null;
    return st ? st.textContent : '';
  };
  bt.slider.done = () => {
    const b = bt.slider.cellEl.querySelector('.rlc-live .rlc-done');
    if (!b) return false;
    b.click();
    return true;
  };

  // unfold: let the whole notebook take the page's height (classic
  // Notebook scrolls inside #site), so that a full-page screenshot shows
  // every cell.
  bt.unfold = () => {
    const site = document.getElementById('site');
    document.documentElement.style.overflow = 'visible';
    document.body.style.overflow = 'visible';
    document.body.style.height = 'auto';
    if (site) { site.style.height = 'auto'; site.style.overflow = 'visible'; }
    return document.documentElement.scrollHeight;
  };

  window.__bt = bt;
  return true;
})()
