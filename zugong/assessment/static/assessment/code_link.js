// A slip's QR code opens this page as …/#code=XXXX: the fragment never leaves the phone. Copy the code into
// the form and drop it from the address bar; the code is sent only when the voter submits (POST).
(function () {
  "use strict";
  var match = /^#code=([A-Za-z0-9]{1,20})$/.exec(window.location.hash);
  var input = document.getElementById("zg-code");
  if (!match || !input) { return; }
  input.value = match[1].toUpperCase();
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
})();
