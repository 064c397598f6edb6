// A signature pad: draw with a finger, stylus or mouse (pointer events) on a canvas; the
// drawing goes into a hidden input as a PNG data URL. Markup:
//   <div data-signature-pad>
//     <canvas data-signature-canvas></canvas>
//     <button type="button" data-signature-clear>Clear</button>
//     <input type="hidden" name="signature" data-signature-input>
//   </div>
(function () {
  "use strict";

  function setUp(root) {
    var canvas = root.querySelector("[data-signature-canvas]");
    var input = root.querySelector("[data-signature-input]");
    var clear = root.querySelector("[data-signature-clear]");
    if (!canvas || !input) return;
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var hasInk = false;
    var last = null;

    // Match the canvas's pixels to its displayed size (sharp on high-density tablets).
    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      var saved = hasInk ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#1b2a41";
      if (saved) {
        var img = new Image();
        img.onload = function () { ctx.drawImage(img, 0, 0, rect.width, rect.height); };
        img.src = saved;
      }
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    function save() {
      input.value = hasInk ? canvas.toDataURL("image/png") : "";
      root.classList.toggle("has-signature", hasInk);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      // A tap leaves a dot.
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
      hasInk = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) events = [event];
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      events.forEach(function (e) {
        var p = point(e);
        ctx.lineTo(p.x, p.y);
        last = p;
      });
      ctx.stroke();
    });
    function stop(event) {
      if (!drawing) return;
      drawing = false;
      if (canvas.releasePointerCapture && event.pointerId !== undefined) {
        try { canvas.releasePointerCapture(event.pointerId); } catch (e) { /* already released */ }
      }
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        hasInk = false;
        save();
      });
    }
    window.addEventListener("resize", resize);
    resize();
    save();
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
