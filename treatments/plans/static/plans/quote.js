// The quote's toolbar (the page allows no inline script).
document.querySelectorAll("[data-action=print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
