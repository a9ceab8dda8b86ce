// The dashboard in the browser: draws each <canvas data-chart> with Chart.js from the figures the
// server put beside its table, and every few seconds fetches the page again to refresh the
// figures, tables and charts in place. Only server-rendered (escaped) HTML is swapped in.
'use strict';
(function () {
  const REFRESH_MS = 5000;
  const COLOURS = ['#1f6fb2', '#d9822b', '#2e8540', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d'];

  function config(spec) {
    const datasets = spec.datasets.map(function (d, i) {
      const colour = COLOURS[i % COLOURS.length];
      return {
        label: d.label,
        data: d.data.slice(),
        borderColor: colour,
        backgroundColor: spec.type === 'bar' ? colour : colour + '33',
        fill: spec.type === 'line',
        tension: 0.2,
      };
    });
    return {
      type: spec.type,
      data: { labels: spec.labels.slice(), datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
  }

  function draw(canvas) {
    const spec = JSON.parse(canvas.getAttribute('data-chart'));
    const existing = window.Chart.getChart(canvas);
    if (!existing) {
      new window.Chart(canvas, config(spec));
      return;
    }
    const next = config(spec);
    existing.data.labels = next.data.labels;
    existing.data.datasets = next.data.datasets;
    existing.update('none');
  }

  function drawAll() {
    document.querySelectorAll('canvas[data-chart]').forEach(draw);
  }

  async function refresh() {
    let response;
    try {
      response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' });
    } catch (_) {
      return; // the centre is out of reach for now: keep what is shown and try again
    }
    if (response.redirected || response.status === 401) {
      location.reload(); // the session ended: the centre shows the login page
      return;
    }
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    fresh.querySelectorAll('[data-refresh][id]').forEach(function (node) {
      const old = document.getElementById(node.id);
      if (old) old.replaceWith(document.importNode(node, true));
    });
    fresh.querySelectorAll('canvas[data-chart][id]').forEach(function (node) {
      const old = document.getElementById(node.id);
      if (old && old.getAttribute('data-chart') !== node.getAttribute('data-chart')) {
        old.setAttribute('data-chart', node.getAttribute('data-chart'));
        draw(old);
      }
    });
    document.body.setAttribute('data-refreshed', new Date().toISOString());
  }

  function start() {
    drawAll();
    document.body.setAttribute('data-charts', 'drawn');
    setInterval(refresh, REFRESH_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
