// zugong shell behaviour. The Content-Security-Policy forbids inline scripts, so every page's
// behaviour lives in static files like this one; data comes in through data-* attributes.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // Phone menu toggle.
    var toggle = document.querySelector(".zg-navtoggle");
    var menu = document.getElementById("zg-menu");
    if (toggle && menu) {
      toggle.addEventListener("click", function () {
        var open = menu.classList.toggle("zg-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Selects that submit their form as soon as they change (jurisdiction switcher).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });

  // Org tree: a node's children load once through htmx (hx-trigger="click once"); later clicks on
  // the same button only fold and unfold the loaded subtree.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".zg-expand") : null;
    if (!button || button.dataset.loaded !== "1") { return; }
    var subtree = document.getElementById(button.getAttribute("aria-controls"));
    if (!subtree) { return; }
    var expanded = button.getAttribute("aria-expanded") === "true";
    subtree.hidden = expanded;
    button.setAttribute("aria-expanded", expanded ? "false" : "true");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var button = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
    if (button && button.classList && button.classList.contains("zg-expand")) {
      button.dataset.loaded = "1";
      button.setAttribute("aria-expanded", "true");
    }
  });
})();
