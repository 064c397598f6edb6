// The assessment form: add and remove formset rows without a reload, and show the BMI as
// height and weight are typed. Works without JavaScript too (one area row, server BMI).
(function () {
  "use strict";

  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var rows = box.querySelector("[data-formset-rows]");
    var template = box.querySelector("template[data-formset-template]");
    var add = box.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !add) return;

    function hideDeleted() {
      rows.querySelectorAll("[data-formset-row]").forEach(function (row) {
        var del = row.querySelector("[data-formset-delete]");
        row.hidden = !!(del && del.checked);
      });
    }

    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input:not([type=hidden]):not([type=checkbox])");
      if (first) first.focus();
    });

    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-formset-remove]");
      if (!button) return;
      var row = button.closest("[data-formset-row]");
      var del = row.querySelector("[data-formset-delete]");
      if (del) del.checked = true;
      row.hidden = true;
      add.focus();
    });
    hideDeleted();
  });

  var height = document.querySelector("[data-bmi-height]");
  var weight = document.querySelector("[data-bmi-weight]");
  var output = document.querySelector("[data-bmi-output]");
  var note = document.querySelector("[data-bmi-note]");
  // The engine's BMI (treatments.engine.planning.bmi): rounded once to one decimal, half
  // up. Worked in whole tenths, the form's precision, because floating point would round
  // some halves down (the engine says 30.1 for 120.2 kg at 200 cm; so must this).
  function bmiTenths(heightCm, weightKg) {
    var h = Math.round(heightCm * 10);
    var w = Math.round(weightKg * 10);
    // BMI x 10 = (w / 10) / (h / 1000)^2 x 10 = w x 1,000,000 / h^2, rounded half up.
    return Math.floor((2 * w * 1000000 + h * h) / (2 * h * h));
  }
  function showBmi() {
    var h = parseFloat(height.value);
    var w = parseFloat(weight.value);
    if (!(h > 50 && w > 10)) {
      output.textContent = "—";
      note.textContent = "";
      return;
    }
    var tenths = bmiTenths(h, w);
    output.textContent = (tenths / 10).toFixed(1);
    note.textContent = tenths > 300 ? "over 30: most body treatments are limited" : "";
  }
  if (height && weight && output) {
    height.addEventListener("input", showBmi);
    weight.addEventListener("input", showBmi);
    showBmi();
  }
})();
