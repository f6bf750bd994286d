// Nearby: ask the browser for the resident's position (WGS-84) and re-run the search.
// Without JavaScript or permission, the community picker still works.
(function () {
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("location-status");
  var form = button.form;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.getElementById("near-lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("near-lon").value = pos.coords.longitude.toFixed(6);
        status.textContent = "";
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      },
      function () { status.textContent = button.dataset.denied; },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
    );
  });
})();
