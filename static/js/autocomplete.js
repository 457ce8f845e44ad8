/* Autocomplete for search inputs carrying data-autocomplete="<url>" (progressive enhancement).
 * ARIA 1.2 combobox pattern: the input controls a listbox; Up/Down move, Enter opens the
 * highlighted company, Escape closes. Without this script the form simply submits. */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_CHARS = 2;
  var counter = 0;

  function enhance(input) {
    var url = input.getAttribute("data-autocomplete");
    if (!url || input.getAttribute("data-autocomplete-ready")) {
      return;
    }
    input.setAttribute("data-autocomplete-ready", "1");
    counter += 1;
    var listId = "autocomplete-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "Suggestions");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    /* The list hangs from a wrapper that holds only the input: its top edge is the input's
     * bottom edge whatever the form around it (header, home hero, search page). */
    var wrapper = document.createElement("div");
    wrapper.className = "autocomplete";
    input.insertAdjacentElement("beforebegin", wrapper);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(data) {
      items = data.items || [];
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "autocomplete-option";
        var name = document.createElement("span");
        name.className = "autocomplete-name";
        name.textContent = item.name; /* text only: names are never parsed as HTML */
        option.appendChild(name);
        var detail = [item.sector, item.city].filter(Boolean).join(" · ");
        if (detail) {
          var small = document.createElement("span");
          small.className = "autocomplete-detail";
          small.textContent = " " + detail;
          option.appendChild(small);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); /* keep focus in the input until we navigate */
          window.location.assign(item.url);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = items.length + (items.length > 1 ? " suggestions" : " suggestion");
      } else {
        close();
        status.textContent = "";
      }
    }

    function lookup() {
      var q = input.value.trim();
      if (q.length < MIN_CHARS) {
        close();
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var target = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
      fetch(target, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(render)
        .catch(function () { /* aborted or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && items.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].url);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
