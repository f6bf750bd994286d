// Calendar subscription pages: a "copy link" button where the browser can copy. Without
// it (or without JS) the read-only field still lets people select and copy the link.
(function () {
  "use strict";

  function init() {
    if (!navigator.clipboard) return;
    document.querySelectorAll(".cal-copy[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      if (!field) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = button.dataset.done;
          window.setTimeout(function () { button.textContent = label; }, 3000);
        }, function () {
          field.select();
        });
      });
    });
    document.querySelectorAll(".cal-url").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
