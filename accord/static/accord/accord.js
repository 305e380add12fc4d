// Forms marked data-busy show that work is under way once submitted (uploads, imports).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) return;
  const button = event.submitter || form.querySelector("button[type=submit]");
  if (button) {
    // Disabled after the browser has read the form: a disabled submitter's value is not sent.
    setTimeout(() => { button.disabled = true; }, 0);
    button.insertAdjacentHTML("afterbegin", '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>');
  }
  const note = form.querySelector("[data-busy-note]");
  if (note) note.classList.remove("d-none");
});

// The unread count on the bell, fetched after the page so the page itself costs no query.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.querySelector("[data-unread-url]");
  if (!bell) return;
  fetch(bell.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((answer) => (answer.ok ? answer.json() : null))
    .then((body) => {
      const badge = bell.querySelector("[data-unread-count]");
      if (!body || !badge || !body.unread) return;
      badge.textContent = body.unread > 99 ? "99+" : String(body.unread);
      badge.classList.remove("d-none");
      bell.setAttribute("aria-label", `Notifications: ${body.unread} unread`);
    })
    .catch(() => {});
});

// Charts: each placeholder's figure is a JSON block beside it (no inline script runs). Plotly's
// bundle is large, so it is fetched only on pages with a chart and only once the page has
// loaded: the page is usable meanwhile, and the charts are drawn when it arrives.
function drawCharts(root) {
  if (!window.Plotly) return;
  root.querySelectorAll(".accord-chart[data-figure]:not([data-drawn])").forEach((element) => {
    const source = document.getElementById(element.dataset.figure);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    element.dataset.drawn = "1";
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  });
  performance.mark("accord:charts-drawn");
}
let plotlyRequested = false;
function showCharts(root) {
  const waiting = root.querySelector(".accord-chart[data-plotly]:not([data-drawn])");
  if (!waiting) return;
  if (window.Plotly) return drawCharts(root);
  if (plotlyRequested) return;  // drawn everywhere once it arrives
  plotlyRequested = true;
  const script = document.createElement("script");
  script.src = waiting.dataset.plotly;
  script.addEventListener("load", () => drawCharts(document));
  document.head.append(script);
}
if (document.readyState === "complete") showCharts(document);
else window.addEventListener("load", () => showCharts(document));
document.addEventListener("htmx:afterSwap", (event) => showCharts(event.target));

// A button with data-confirm asks before its form is sent.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// A select with data-autosubmit sends its form when changed.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});

// Pickers (Tom Select): a select with data-picker asks that URL for options as one types,
// through the access policy; a multiple select, or one with many options, is searchable in
// place. A select marked data-plain, or with data-autosubmit, stays as it is.
const SEARCHABLE_FROM = 12;
function pickerOption(item, escape) {
  const hint = item.hint ? `<div class="small text-muted">${escape(item.hint)}</div>` : "";
  return `<div>${escape(item.text)}${hint}</div>`;
}
function startPickers(root) {
  if (!window.TomSelect) return;
  root.querySelectorAll("select:not(.tomselected):not([data-plain]):not([data-autosubmit])").forEach((select) => {
    const source = select.dataset.picker;
    if (!source && !select.multiple && select.options.length < SEARCHABLE_FROM) return;
    const settings = {
      plugins: select.multiple ? ["remove_button"] : [],
      maxOptions: 200,
      allowEmptyOption: !select.required,
      render: {
        option: pickerOption,
        no_results: () => '<div class="no-results">Nothing matches.</div>',
      },
    };
    if (source) {
      Object.assign(settings, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        preload: "focus",
        loadThrottle: 250,
        // The server ranks what matches; the picker keeps its order.
        score: () => () => 1,
        load(query, callback) {
          const url = new URL(source, window.location.href);
          url.searchParams.set("q", query);
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((answer) => (answer.ok ? answer.json() : { results: [] }))
            .then((body) => callback(body.results))
            .catch(() => callback());
        },
      });
    }
    // Tom Select moves the label to its own input; the select it hides keeps the name.
    const label = select.labels && select.labels[0];
    if (label && !select.getAttribute("aria-label")) select.setAttribute("aria-label", label.textContent.trim());
    const picker = new window.TomSelect(select, settings);
    // A script that sets the select itself (a test, another widget) is shown too.
    select.addEventListener("change", () => picker.sync());
  });
}
document.addEventListener("DOMContentLoaded", () => startPickers(document));
document.addEventListener("htmx:afterSwap", (event) => startPickers(event.target));

// The count of one's work beside "My work", fetched after the page and kept for a minute in
// this tab, so that moving between pages does not ask again each time.
document.addEventListener("DOMContentLoaded", () => {
  const link = document.querySelector("[data-work-count-url]");
  if (!link) return;
  const badge = link.querySelector("[data-work-count]");
  const show = (count) => {
    if (!count) return;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.classList.remove("d-none");
    link.setAttribute("aria-label", `My work: ${count} to do`);
  };
  const kept = JSON.parse(sessionStorage.getItem("accord.workCount") || "null");
  if (kept && Date.now() - kept.at < 60000) return show(kept.count);
  fetch(link.dataset.workCountUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((answer) => (answer.ok ? answer.json() : null))
    .then((body) => {
      if (!body) return;
      sessionStorage.setItem("accord.workCount", JSON.stringify({ count: body.count, at: Date.now() }));
      show(body.count);
    })
    .catch(() => {});
});

// The board: a card dragged onto another stage opens its move to that stage, where the gate
// checks what is needed and a reason is asked, as from the card's menu. While dragging, the
// stages it may go to are outlined; the others are dimmed and refuse the drop.
let draggedCard = null;
const dropZones = () => document.querySelectorAll("[data-drop]");
document.addEventListener("dragstart", (event) => {
  const card = event.target instanceof Element ? event.target.closest(".board-card[data-move]") : null;
  if (!card) return;
  draggedCard = card;
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", card.dataset.move);
  const targets = card.dataset.targets.split(" ");
  document.body.classList.add("dragging");
  dropZones().forEach((zone) => {
    const ok = targets.includes(zone.dataset.drop);
    zone.classList.toggle("drop-ok", ok);
    zone.classList.toggle("drop-no", !ok);
  });
});
document.addEventListener("dragend", () => {
  draggedCard = null;
  document.body.classList.remove("dragging");
  dropZones().forEach((zone) => zone.classList.remove("drop-ok", "drop-no"));
});
document.addEventListener("dragover", (event) => {
  const zone = event.target instanceof Element ? event.target.closest("[data-drop].drop-ok") : null;
  if (draggedCard && zone) event.preventDefault();
});
document.addEventListener("drop", (event) => {
  const zone = event.target instanceof Element ? event.target.closest("[data-drop].drop-ok") : null;
  if (!draggedCard || !zone) return;
  event.preventDefault();
  const move = new URL(draggedCard.dataset.move, window.location.href);
  move.searchParams.set("to", zone.dataset.drop);
  move.searchParams.set("next", window.location.pathname + window.location.search);
  window.location.assign(move);
});

// A list's bulk edit: the box atop the first column ticks every row of the page, and the
// count of rows ticked is shown beside the change to make.
function countChosen() {
  const counter = document.querySelector("[data-selected-count]");
  if (counter) counter.textContent = document.querySelectorAll("input[data-select-row]:checked").length;
}
document.addEventListener("change", (event) => {
  if (!(event.target instanceof Element)) return;
  if (event.target.matches("input[data-select-all]")) {
    document.querySelectorAll("input[data-select-row]").forEach((box) => { box.checked = event.target.checked; });
  }
  if (event.target.matches("input[data-select-all], input[data-select-row]")) countChosen();
});
document.addEventListener("DOMContentLoaded", countChosen);
