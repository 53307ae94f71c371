// Counterpart's only script: progressive enhancement. Every page works without it.
(function () {
  "use strict";

  // An invalid form's error summary takes the focus, so screen readers announce it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // As-you-type suggestions under the search box.
  var input = document.querySelector("input[data-suggest]");
  if (!input) { return; }
  var list = document.getElementById("suggestions");
  var timer = null;
  var latest = 0;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
  }

  function show(items) {
    list.innerHTML = "";
    items.forEach(function (item, index) {
      // The link itself is the option: an option may not hold a focusable link.
      var li = document.createElement("li");
      li.setAttribute("role", "none");
      var link = document.createElement("a");
      link.setAttribute("role", "option");
      link.id = "suggestion-" + index;
      link.href = (input.dataset.entry || "/contact-points/0").replace(/0$/, encodeURIComponent(item.id));
      link.textContent = item.name;
      li.appendChild(link);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (body) {
        if (ticket === latest) { show(body.suggestions || []); }
      }).catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { close(); }
    if (event.key === "ArrowDown" && !list.hidden) {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });

  list.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < links.length - 1) { event.preventDefault(); links[index + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? links[index - 1] : input).focus(); }
    if (event.key === "Escape") { close(); input.focus(); }
  });

  document.addEventListener("click", function (event) {
    if (!list.contains(event.target) && event.target !== input) { close(); }
  });
})();

// Logging an initial contact: choosing the matter pre-selects its action plan and the
// counterpart's network that fits it, until the user picks them by hand. Without this
// script the server derives the plan from the matter when "From the matter" is left chosen.
(function () {
  "use strict";
  var form = document.querySelector("form[data-log-contact]");
  if (!form) { return; }
  var matter = form.querySelector("select[name=matter]");
  var network = form.querySelector("select[name=network]");
  if (!matter) { return; }
  var plans = JSON.parse(matter.getAttribute("data-plan-of-matter") || "{}");
  var networks = JSON.parse(matter.getAttribute("data-networks-for-matter") || "{}");
  var planTouched = false;
  var networkTouched = false;
  Array.prototype.forEach.call(form.querySelectorAll("input[name=plan]"), function (radio) {
    radio.addEventListener("change", function () { planTouched = true; });
  });
  if (network) { network.addEventListener("change", function () { networkTouched = true; }); }
  matter.addEventListener("change", function () {
    if (!planTouched) {
      var plan = plans[matter.value] || "";
      var radio = form.querySelector("input[name=plan][value='" + plan + "']");
      if (radio) { radio.checked = true; }
    }
    var fitting = networks[matter.value] || [];
    if (network && !networkTouched && fitting.length === 1) { network.value = fitting[0]; }
  });
})();

// On a narrow screen a wide table scrolls sideways in its own box (app.css): such a table takes
// the focus, so that the keyboard can scroll it too. Its caption names it.
(function () {
  "use strict";
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll("table.table"), function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else {
        table.removeAttribute("tabindex");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();

// A running import's progress: fetched again every few seconds into its live region, instead
// of reloading the page (which would throw a screen reader's reading position away). When the
// import has finished, a link offers the report; nothing moves until the user follows it.
(function () {
  "use strict";
  var region = document.getElementById("import-progress");
  if (!region || !region.dataset.pollSeconds) { return; }
  var delay = Number(region.dataset.pollSeconds) * 1000;

  function finished() {
    region.textContent = "";
    var text = document.createElement("p");
    text.textContent = region.dataset.doneText;
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = region.dataset.doneLink;
    text.appendChild(document.createTextNode(" "));
    text.appendChild(link);
    region.appendChild(text);
  }

  function poll() {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      // A busy or failing server says nothing about the import: ask again later.
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html").getElementById("import-progress");
      if (!next) { finished(); return; }
      region.innerHTML = next.innerHTML;
      if (next.dataset.pollSeconds) { setTimeout(poll, delay); }
    }).catch(function () { setTimeout(poll, delay * 2); });
  }

  setTimeout(poll, delay);
})();

// On a phone, what app.css hides behind a button: the menu behind "Menu", and on the search
// page the filters behind "Filters (n)", so that the results come first. The button opens and
// closes what it controls (without this script, noscript.css shows everything).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-menu-toggle], [data-filters-toggle]"),
    function (toggle) {
      var panel = document.getElementById(toggle.getAttribute("aria-controls"));
      if (!panel) { return; }
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        panel.classList.toggle("is-open", open);
      });
    });
})();

// A long list of checkboxes (the languages): typing narrows it to the labels that contain
// what was typed, whatever the accents or the case. Ticked boxes stay ticked when hidden.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f\u064b-\u065f]/g, "").toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-list-filter]"), function (box) {
    var list = document.getElementById(box.getAttribute("data-list-filter"));
    var input = box.querySelector("input");
    var shown = box.querySelector("[data-shown-text]");
    if (!list || !input) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    box.hidden = false;
    // Enter narrows the list; it does not submit the form around it.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var count = 0;
      items.forEach(function (item) {
        var match = !wanted || fold(item.textContent).indexOf(wanted) !== -1;
        item.hidden = !match;
        if (match) { count += 1; }
      });
      shown.textContent = wanted ? shown.getAttribute("data-shown-text")
        .replace("{num}", count).replace("{total}", items.length) : "";
    });
  });
})();
