// The poster's print button: shown only where JavaScript runs (without it, the browser's
// own print menu does the same). No inline handlers: the CSP forbids them.
document.querySelectorAll("[data-desk-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
