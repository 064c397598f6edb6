// Show-if on the intake form: a question with data-show-if-question/-value appears only while
// the earlier question on this page has that answer. The server applies the same rule, so this
// only spares the patient a round trip; answers in hidden questions are dropped there too.
(function () {
  "use strict";
  var form = document.querySelector("[data-intake-form]");
  if (!form) return;

  function answerOf(key) {
    var inputs = form.querySelectorAll('[name="' + key + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function isShown(wrapper) {
    return wrapper ? !wrapper.hidden : true;
  }

  function update() {
    // In document order, which is questionnaire order, so chains settle in one pass.
    form.querySelectorAll("[data-show-if-question]").forEach(function (wrapper) {
      var key = wrapper.getAttribute("data-show-if-question");
      var controller = form.querySelector('[data-question="' + key + '"]');
      if (!controller) return; // depends on an earlier step: the server decided
      var wanted = wrapper.getAttribute("data-show-if-value");
      var show = isShown(controller) && answerOf(key).indexOf(wanted) !== -1;
      wrapper.hidden = !show;
      wrapper.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();

  var summary = document.getElementById("error-summary");
  if (summary) {
    var firstInvalid = form.querySelector(".is-invalid");
    (firstInvalid || summary).focus();
  }
})();
