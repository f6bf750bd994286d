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
    document.querySelectorAll(".scene-form").forEach(showRepeatGroup);
  }

  // The scene form: show the fields of "每周重复" or of "仅一天", not both. Without
  // JavaScript both show, each with a note, and the server ignores the unchosen group.
  function showRepeatGroup(form) {
    var checked = form.querySelector("input[name=repeat]:checked");
    var repeat = checked ? checked.value : "weekly";
    form.querySelectorAll(".scene-repeat-group").forEach(function (group) {
      group.hidden = group.dataset.repeat !== repeat;
    });
    form.querySelectorAll(".scene-repeat-note").forEach(function (note) {
      note.hidden = true;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "repeat" && event.target.form) {
      showRepeatGroup(event.target.form);
    }
  });
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
