/* Copy buttons: a <button class="js-copy" data-copy-target="ID"> copies the value of the
 * readonly input ID to the clipboard (progressive enhancement: without this script the
 * button stays hidden and the link is selected and copied by hand). The messages come from
 * the button's data-copied / data-failed attributes, in the page's language. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) {
      return;
    }
    input.focus();
    input.select();
    navigator.clipboard.writeText(input.value).then(
      function () { announce(button, button.getAttribute("data-copied")); },
      function () { announce(button, button.getAttribute("data-failed")); }
    );
  }

  function enhance() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;  // no clipboard API (plain http): the link stays selectable by hand
    }
    Array.prototype.forEach.call(document.querySelectorAll(".js-copy"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.js-select-all"), function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
}());
