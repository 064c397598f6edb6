// The idle-session warning. The server ends a staff session after a set time without a
// request (clinic.middleware.IdleSessionMiddleware); this shows a warning shortly before,
// with "Stay signed in", and reloads the page once the time is up (the server then asks for
// a new sign-in). Before warning it asks the server how much time is really left, because
// work in another tab also keeps the session alive.
(function () {
  const dialog = document.getElementById("idle-warning");
  if (!dialog || !window.bootstrap) return;
  const url = dialog.dataset.activityUrl;
  const warnMs = Number(dialog.dataset.warning) * 1000;
  const countdown = dialog.querySelector("[data-idle-countdown]");
  const csrf = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  const modal = bootstrap.Modal.getOrCreateInstance(dialog);
  let deadline = Date.now() + Number(dialog.dataset.remaining) * 1000;
  let timer = null;
  let showing = false;

  function format(ms) {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function expired() {
    window.location.assign(window.location.href);
  }

  function schedule() {
    clearTimeout(timer);
    const left = deadline - Date.now();
    if (left > warnMs) {
      timer = setTimeout(check, left - warnMs);
    } else if (left > 0) {
      warn();
    } else {
      check();
    }
  }

  function update(data) {
    deadline = Date.now() + Number(data.remaining) * 1000;
    if (Number(data.remaining) <= 0) return expired();
    if (deadline - Date.now() > warnMs && showing) {
      showing = false;
      modal.hide();
    }
    schedule();
  }

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { remaining: 0 }))
      .then(update)
      .catch(expired);
  }

  function warn() {
    if (!showing) {
      showing = true;
      modal.show();
    }
    const left = deadline - Date.now();
    countdown.textContent = format(left);
    timer = setTimeout(left > 1000 ? warn : check, Math.min(1000, Math.max(left, 0)));
  }

  dialog.querySelector("[data-idle-stay]").addEventListener("click", () => {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    })
      .then((response) => (response.ok ? response.json() : { remaining: 0 }))
      .then((data) => {
        showing = false;
        modal.hide();
        update(data);
      })
      .catch(expired);
  });

  schedule();
})();
