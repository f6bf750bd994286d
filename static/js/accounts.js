// Sign-in page: count down the "resend code" button. Without JS the button stays enabled
// and the server answers an early click with the seconds left.
(function () {
  "use strict";

  function countDown(button) {
    if (button.dataset.counting) return;
    button.dataset.counting = "1";
    var left = parseInt(button.dataset.cooldown || "0", 10);
    var label = button.dataset.label;
    var waitLabel = button.dataset.waitLabel || "{s}";
    function tick() {
      if (!document.body.contains(button)) return;
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.disabled = true;
      button.textContent = waitLabel.replace("{s}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-cooldown]")) countDown(scope);
    scope.querySelectorAll("[data-cooldown]").forEach(countDown);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
