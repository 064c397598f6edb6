// Pickers that apply as soon as they change (the form still has a submit button without JS).
document.querySelectorAll("[data-autosubmit]").forEach((el) => {
  el.addEventListener("change", () => el.form.submit());
});
