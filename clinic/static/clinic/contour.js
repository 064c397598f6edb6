// Behaviour every page shares. The Content-Security-Policy allows no inline script, no on*=
// handler and no style="" attribute, so templates mark elements with data- attributes instead.

// Layout values the server computes (calendar positions, a progress bar's width) come as
// data-css-* attributes and are applied through the CSSOM, which the policy allows.
(function () {
  const properties = {
    cssTop: "top",
    cssHeight: "height",
    cssLeft: "left",
    cssWidth: "width",
    cssCols: "--cols",
  };
  const selector = Object.keys(properties)
    .map((key) => "[data-" + key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()) + "]")
    .join(",");
  document.querySelectorAll(selector).forEach((el) => {
    for (const [key, property] of Object.entries(properties)) {
      if (key in el.dataset) el.style.setProperty(property, el.dataset[key]);
    }
  });
})();

// <form data-confirm="Question?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  }
});

// <input data-select-on-focus>: a link to copy is selected whole when focused.
document.addEventListener("focusin", (event) => {
  const el = event.target;
  if (el instanceof HTMLInputElement && el.dataset.selectOnFocus !== undefined) el.select();
});
