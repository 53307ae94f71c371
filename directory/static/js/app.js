// Counterpart's only script: progressive enhancement. Every page works without it.
(function () {
  "use strict";

  // An invalid form's error summary takes the focus, so screen readers announce it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // As-you-type suggestions under the search box, as an ARIA combobox: the focus stays in the
  // box while the arrow keys move through the options (aria-activedescendant); Enter opens the
  // chosen one, or searches when none is chosen; Escape closes the list. Each option is one
  // person: a name, and a second line that tells namesakes apart. The last option leads to all
  // the results. A status line tells screen readers how many suggestions there are. Texts come
  // from the server, in the reader's language.
  var input = document.querySelector("input[data-suggest]");
  if (!input || !input.form) { return; }
  var form = input.form;
  var list = document.getElementById(input.getAttribute("aria-controls"));
  // The list is named by the box's label.
  var label = input.id && document.querySelector("label[for='" + input.id + "']");
  if (label) {
    label.id = label.id || input.id + "-label";
    list.setAttribute("aria-labelledby", label.id);
  }
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(status, list.nextSibling);
  var timer = null;
  var latest = 0;
  var active = -1;

  function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]")); }

  function choose(index) {
    var all = options();
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-expanded", "false");
  }

  // The search the form would make now: the typed text and the filters in force.
  function query() { return new URLSearchParams(new FormData(form)).toString(); }

  function option(id, href, name, details) {
    var item = document.createElement("li");
    item.id = id;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.dataset.href = href;
    var main = document.createElement("bdi");
    main.className = "suggestion-name";
    main.textContent = name;
    item.appendChild(main);
    if (details && details.length) {
      var line = document.createElement("span");
      line.className = "suggestion-details";
      details.forEach(function (part, index) {
        if (index) { line.appendChild(document.createTextNode(" · ")); }
        var piece = document.createElement("bdi");
        piece.textContent = part;
        line.appendChild(piece);
      });
      item.appendChild(line);
    }
    return item;
  }

  function show(body) {
    close();
    var people = body.suggestions || [];
    var entry = input.dataset.entry || "/contact-points/0";
    people.forEach(function (person, index) {
      var href = entry.replace(/0$/, encodeURIComponent(person.id));
      list.appendChild(option("suggestion-" + index, href, person.name, person.details));
    });
    if (people.length && body.see_all) {
      var all = option("suggestion-all", (form.getAttribute("action") || "") + "?" + query(),
                       body.see_all);
      all.className = "suggestion-all";
      list.appendChild(all);
    }
    list.hidden = people.length === 0;
    input.setAttribute("aria-expanded", people.length ? "true" : "false");
    status.textContent = body.status || "";
  }

  function open(item) { if (item) { window.location.assign(item.dataset.href); } }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (input.value.trim().length < 2) { close(); status.textContent = ""; return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggest + "?" + query(), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (body) {
        if (ticket === latest) { show(body); }
      }).catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    var count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      choose(Math.min(active + 1, count - 1));
    } else if (event.key === "ArrowUp" && !list.hidden && count) {
      event.preventDefault();
      choose(active - 1);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      open(options()[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      list.hidden = true;
      choose(-1);
      input.setAttribute("aria-expanded", "false");
    }
  });

  // A click chooses an option; pressing the mouse on the list keeps the focus in the box.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    open(event.target.closest("[role=option]"));
  });
  input.addEventListener("blur", close);
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
