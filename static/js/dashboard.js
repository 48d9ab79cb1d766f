/* Dashboards: trend charts (Chart.js, served locally), sortable tables, the period
   select, and printing with the charts' tables instead of the charts.
   Data comes from the page's json_script block; nothing here is inline in the HTML. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "vi";
  var percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function formatPercent(value) {
    return value === null || value === undefined ? "–" : percent.format(value) + "%";
  }

  // --- the period select submits itself -------------------------------------------
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("[data-period-submit]");
    if (button) button.classList.add("visually-hidden");
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // --- trend charts -------------------------------------------------------------------
  function drawCharts() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var styles = getComputedStyle(document.documentElement);
    var colour = function (name, fallback) { return styles.getPropertyValue(name).trim() || fallback; };
    var palette = {
      rate: colour("--bs-primary", "#0d6efd"),
      milestone: colour("--bs-secondary", "#6c757d"),
      targets: [colour("--bs-success", "#198754"), colour("--bs-danger", "#dc3545"), colour("--bs-warning", "#ffc107")]
    };
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var indicator = data.indicators[Number(canvas.dataset.chart)];
      if (!indicator) return;
      var datasets = [
        {
          label: data.text.rate, data: indicator.rates, borderColor: palette.rate,
          backgroundColor: palette.rate, borderWidth: 3, spanGaps: true,
          // The period on show stands out on its chart.
          pointRadius: indicator.rates.map(function (_value, index) { return index === data.selected ? 7 : 4; }),
          pointStyle: "circle"
        },
        {
          label: data.text.milestone, data: indicator.milestones, borderColor: palette.milestone,
          backgroundColor: palette.milestone, borderDash: [6, 4], borderWidth: 2, pointRadius: 0,
          pointStyle: "line"
        }
      ];
      indicator.targets.forEach(function (target, position) {
        var line = palette.targets[position % palette.targets.length];
        datasets.push({
          label: data.text.target.replace("%(year)s", target.year),
          data: data.labels.map(function () { return target.value; }),
          borderColor: line, backgroundColor: line, borderDash: [2, 3], borderWidth: 2,
          pointRadius: 0, pointStyle: "line"
        });
      });
      new window.Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: reduceMotion ? false : { duration: 400 },
          interaction: { mode: "index", intersect: false },
          scales: {
            y: { min: 0, max: 100, ticks: { callback: function (value) { return value + "%"; } } },
            x: { ticks: { autoSkip: true, maxRotation: 60 } }
          },
          plugins: {
            legend: { position: "bottom", labels: { boxWidth: 24, boxHeight: 3 } },
            tooltip: {
              callbacks: {
                label: function (context) { return context.dataset.label + ": " + formatPercent(context.parsed.y); }
              }
            }
          }
        }
      });
    });
  }

  // --- sortable tables: click a column head, click again to reverse -----------------
  function cellValue(row, index, type) {
    var cell = row.children[index];
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent.trim();
    if (type === "number") {
      return raw === "" ? null : Number(raw);
    }
    return raw;
  }

  function sortTable(table, header) {
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var type = header.dataset.sortType || "text";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var collator = new Intl.Collator(lang, { sensitivity: "base", numeric: true });
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.cells.length > 1; });
    rows.sort(function (a, b) {
      var left = cellValue(a, index, type);
      var right = cellValue(b, index, type);
      if (left === null && right === null) return 0;
      if (left === null) return 1; // rows without a figure stay at the bottom either way
      if (right === null) return -1;
      var order = type === "number" ? left - right : collator.compare(left, right);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    header.parentNode.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th .sort-button").forEach(function (button) {
      button.addEventListener("click", function () { sortTable(table, button.closest("th")); });
    });
  });

  // --- printing: the numbers instead of the charts ------------------------------------
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [];
    document.querySelectorAll("details.chart-data:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  drawCharts();
})();
