// Forms marked data-busy show that work is under way once submitted (uploads, imports).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) return;
  const button = form.querySelector("button[type=submit]");
  if (button) {
    button.disabled = true;
    button.insertAdjacentHTML("afterbegin", '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>');
  }
  const note = form.querySelector("[data-busy-note]");
  if (note) note.classList.remove("d-none");
});
