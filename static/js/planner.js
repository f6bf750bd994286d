// Scenes: place planner blocks and week-strip bands by the times in their data-*
// attributes. The CSP forbids style attributes, so positions are set through the CSSOM
// here; without JavaScript the blocks simply read as a list in time order.
(function () {
  function place() {
    document.querySelectorAll(".scene-track [data-top]").forEach(function (el) {
      el.style.top = el.dataset.top + "%";
      if (el.dataset.height) el.style.height = el.dataset.height + "%";
    });
    document.querySelectorAll(".scene-band[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
      el.style.width = el.dataset.width + "%";
    });
    document.querySelectorAll(".scene-planner, .scene-strip").forEach(function (el) {
      el.classList.add("scene-js");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", place);
  } else {
    place();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    place();
    // The scene form opens above the grid; bring it into view on a small screen.
    var target = event.detail && event.detail.target;
    if (target && target.id === "scene-editor" && target.firstElementChild) {
      target.scrollIntoView({ block: "start" });
    }
  });
})();
