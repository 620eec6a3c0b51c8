// Search pickers (core/forms.py PickerField): type to search, arrows and Enter (or a click) to choose,
// the chosen ones shown as chips with a remove button. The hidden <select> keeps the chosen values,
// so the form posts exactly what a plain select would. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function chips(picker) {
    var select = picker.querySelector(".zg-picker-select");
    var list = picker.querySelector(".zg-picker-chosen");
    list.textContent = "";
    Array.prototype.forEach.call(select.options, function (option) {
      var item = document.createElement("li");
      item.textContent = option.textContent + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "zg-picker-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", (document.documentElement.lang === "en" ? "Remove " : "移除 ") + option.textContent);
      remove.addEventListener("click", function () {
        option.remove();
        chips(picker);
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function close(picker) {
    var box = picker.querySelector(".zg-picker-options");
    box.hidden = true;
    picker.querySelector(".zg-picker-search").setAttribute("aria-expanded", "false");
  }

  function choose(picker, li) {
    if (!li || !li.dataset.value) { return; }
    clearTimeout(picker.zgTimer);
    picker.zgAsked = (picker.zgAsked || 0) + 1;  // an answer still on its way is for a finished search
    var select = picker.querySelector(".zg-picker-select");
    if (picker.dataset.multiple !== "1") { select.textContent = ""; }
    var exists = Array.prototype.some.call(select.options, function (o) { return o.value === li.dataset.value; });
    if (!exists) {
      var option = new Option(li.dataset.label, li.dataset.value, true, true);
      select.appendChild(option);
    }
    var input = picker.querySelector(".zg-picker-search");
    input.value = "";
    close(picker);
    chips(picker);
    select.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  function move(picker, step) {
    var options = picker.querySelectorAll('.zg-picker-options [role="option"]');
    if (!options.length) { return; }
    var input = picker.querySelector(".zg-picker-search");
    var current = -1;
    options.forEach(function (o, i) { if (o.getAttribute("aria-selected") === "true") { current = i; } });
    var next = (current + step + options.length) % options.length;
    options.forEach(function (o, i) { o.setAttribute("aria-selected", i === next ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", options[next].id);
    options[next].scrollIntoView({ block: "nearest" });
  }

  function search(picker) {
    var input = picker.querySelector(".zg-picker-search");
    var box = picker.querySelector(".zg-picker-options");
    var url = new URL(picker.dataset.pickerUrl, window.location.href);
    url.searchParams.set("q", input.value.trim());
    var asked = picker.zgAsked = (picker.zgAsked || 0) + 1;
    fetch(url.toString(), { credentials: "same-origin", headers: { "X-Requested-With": "picker" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (picker.zgAsked !== asked) { return; }  // a newer keystroke or a choice came since
        box.innerHTML = html;
        box.hidden = false;
        input.setAttribute("aria-expanded", "true");
        input.removeAttribute("aria-activedescendant");
      });
  }

  function bind(picker) {
    if (picker.dataset.bound) { return; }
    picker.dataset.bound = "1";
    var input = picker.querySelector(".zg-picker-search");
    var box = picker.querySelector(".zg-picker-options");
    chips(picker);
    input.addEventListener("input", function () {
      clearTimeout(picker.zgTimer);
      picker.zgTimer = setTimeout(function () { search(picker); }, 200);
    });
    input.addEventListener("focus", function () { if (!box.innerHTML) { search(picker); } });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (box.hidden) { search(picker); } else { move(picker, 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(picker, -1); }
      else if (event.key === "Enter") {
        var active = box.querySelector('[aria-selected="true"]') || (box.hidden ? null : box.querySelector('[role="option"]'));
        if (active) { event.preventDefault(); choose(picker, active); }
      } else if (event.key === "Escape") { close(picker); }
    });
    box.addEventListener("mousedown", function (event) {
      var li = event.target.closest('[role="option"]');
      if (li) { event.preventDefault(); choose(picker, li); }
    });
    input.addEventListener("blur", function () {
      setTimeout(function () { clearTimeout(picker.zgTimer); picker.zgAsked = (picker.zgAsked || 0) + 1; close(picker); }, 150);
    });
  }

  function bindAll(root) { (root || document).querySelectorAll(".zg-picker").forEach(bind); }
  if (document.readyState !== "loading") { bindAll(); } else { document.addEventListener("DOMContentLoaded", function () { bindAll(); }); }
  document.addEventListener("htmx:afterSwap", function (event) { bindAll(event.target); });
})();
