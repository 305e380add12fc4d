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
