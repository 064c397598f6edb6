// The treatment map on the assessment form: tap, click or draw with a stylus on the body
// diagram (Pointer Events) to add the zone's corners or place applicators; the server draws
// the result (the injection grid, vials, coverage, what is wrong) after every change. Every
// change goes into the row's plain fields (corners, width x height, placements), so the map
// is also fully usable from the keyboard and without this script.
(function () {
  "use strict";
  var form = document.querySelector("[data-map-preview-url]");
  if (!form) return;
  var url = form.getAttribute("data-map-preview-url");
  var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');

  function round(v) { return Math.round(v * 2) / 2; }

  function setup(box) {
    if (box.getAttribute("data-map-ready")) return;
    box.setAttribute("data-map-ready", "1");
    var row = box.closest("[data-formset-row]");
    var area = row.querySelector("[data-map-area]");
    var points = box.querySelector("[data-map-points]");
    var sizes = box.querySelectorAll("[data-map-size]");
    var placements = box.querySelector("[data-map-placements-input]");
    var preview = box.querySelector("[data-map-preview]");
    var applicator = box.querySelector("[data-map-applicator]");
    var mode = "outline";
    var timer = null;
    box.querySelectorAll("[data-map-tools]").forEach(function (el) { el.classList.remove("d-none"); });

    box.querySelectorAll("[data-map-mode]").forEach(function (button) {
      button.addEventListener("click", function () {
        mode = button.getAttribute("data-map-mode");
        box.querySelectorAll("[data-map-mode]").forEach(function (b) {
          var on = b === button;
          b.classList.toggle("active", on);
          b.setAttribute("aria-pressed", on ? "true" : "false");
        });
      });
    });

    function refresh() {
      if (!area.value) {
        preview.textContent = "Choose the area first: its body diagram appears here.";
        return;
      }
      var data = new FormData();
      data.append("area", area.value);
      data.append("zone_points", points.value);
      data.append("zone_width_cm", sizes[0].value);
      data.append("zone_height_cm", sizes[1].value);
      data.append("placements", placements.value);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" }
      }).then(function (response) { return response.json(); }).then(function (json) {
        if (json.html) {
          preview.innerHTML = json.html;
          bind();
        }
      }).catch(function () {
        preview.textContent = "The map could not be drawn just now; the fields below still work.";
      });
    }
    function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }

    function toCm(svg, event) {
      var pt = svg.createSVGPoint();
      pt.x = event.clientX;
      pt.y = event.clientY;
      var cm = pt.matrixTransform(svg.getScreenCTM().inverse());
      return { x: round(cm.x), y: round(cm.y) };
    }

    function bind() {
      var svg = preview.querySelector("[data-map-svg]");
      if (!svg) return;
      svg.classList.add("is-editable");
      svg.addEventListener("pointerdown", function (event) {
        if (event.button !== undefined && event.button > 0) return;
        event.preventDefault();
        var cm = toCm(svg, event);
        if (mode === "outline") {
          var text = points.value.trim();
          points.value = (text ? text + "; " : "") + cm.x + ", " + cm.y;
        } else {
          var lines = placements.value.trim();
          placements.value = (lines ? lines + "\n" : "") + applicator.value + " @ " + cm.x + ", " + cm.y;
        }
        refresh();
      });
    }

    box.querySelector("[data-map-undo]").addEventListener("click", function () {
      var parts = points.value.split(";").filter(function (p) { return p.trim(); });
      parts.pop();
      points.value = parts.map(function (p) { return p.trim(); }).join("; ");
      refresh();
    });
    box.querySelector("[data-map-clear]").addEventListener("click", function () {
      points.value = "";
      sizes[0].value = "";
      sizes[1].value = "";
      refresh();
    });
    box.querySelector("[data-map-unplace]").addEventListener("click", function () {
      var lines = placements.value.split("\n").filter(function (l) { return l.trim(); });
      lines.pop();
      placements.value = lines.join("\n");
      refresh();
    });
    [points, sizes[0], sizes[1], placements].forEach(function (input) {
      input.addEventListener("input", later);
    });
    area.addEventListener("change", refresh);
    box.addEventListener("toggle", function () { if (box.open) refresh(); });
    if (box.open) refresh();
  }

  function setupAll() { document.querySelectorAll("[data-area-map]").forEach(setup); }
  setupAll();
  // Rows added by the formset script get their map too.
  var rows = document.querySelector('[data-formset="areas"] [data-formset-rows]');
  if (rows && window.MutationObserver) {
    new MutationObserver(setupAll).observe(rows, { childList: true });
  }
})();
