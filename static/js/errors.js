// htmx swaps only 2xx responses, so an error page answering an htmx request (the thing was
// deleted meanwhile, the session ended, the operator lost their role) would change nothing
// on screen. Show that page's main content in place of this page's instead, the way a
// plain form submission would: same layout, its message and its links back.
(function () {
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) return;
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var incoming = doc.getElementById("main");
    var current = document.getElementById("main");
    if (!incoming || !current) return;
    current.replaceWith(document.importNode(incoming, true));
    document.title = doc.title;
    window.scrollTo(0, 0);
  });
})();
