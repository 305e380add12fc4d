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

// Charts: each placeholder's figure is a JSON block beside it (no inline script runs).
function drawCharts(root) {
  if (!window.Plotly) return;
  root.querySelectorAll(".accord-chart[data-figure]:not([data-drawn])").forEach((element) => {
    const source = document.getElementById(element.dataset.figure);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    element.dataset.drawn = "1";
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  });
}
document.addEventListener("DOMContentLoaded", () => drawCharts(document));
document.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));

// A button with data-confirm asks before its form is sent.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// A select with data-autosubmit sends its form when changed.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
