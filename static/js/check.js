/* Is this happening to me?: yes/no questions that show help for each "yes", with answers kept nowhere.
 *
 * - Without this script (and in the lite view) the page is a list: each question, what it can mean, then
 *   the numbers. The script shows the yes/no answers and the "who" choice instead.
 * - Any "yes" fills the role="status" region with the help and what each "yes" can mean; "no" to every
 *   question says the Helpline can still talk it through. The region changes only when what it says does,
 *   because a screen reader reads it again at every change.
 * - Answers are never sent or stored: the form never submits, and answers are cleared on load, when the page
 *   is left or restored from the back-forward cache, by "Clear my answers" and by the exit (quick_exit.js
 *   resets every form).
 */
(function () {
  "use strict";

  function each(elements, action) {
    for (var i = 0; i < elements.length; i += 1) action(elements[i], i);
  }

  function start() {
    var form = document.querySelector(".js-check");
    var region = document.querySelector(".js-check-result");
    // Without templates the static list stays: it says everything the script would.
    if (!form || !region || !("content" in document.createElement("template"))) return;
    var questions = form.querySelectorAll(".js-check-question");
    var shown = ""; // what the region says now, as a key: "" when empty

    // The answer chosen now or, inside a reset event (fields still hold their answers until it is over),
    // the one the form is being reset to.
    function chosen(name, resetting) {
      var field = form.querySelector('input[name="' + name + '"]' + (resetting ? "[checked]" : ":checked"));
      return field ? field.value : null;
    }

    function meaningsList(result, yes) {
      var list = result.querySelector(".js-result-meanings");
      each(yes, function (question) {
        var item = document.createElement("li");
        // Cloned, not copied as text: English names inside keep their lang="en" mark-up.
        each(question.querySelector(".js-check-meaning").childNodes, function (node) {
          item.appendChild(node.cloneNode(true));
        });
        list.appendChild(item);
      });
    }

    function say(key, templateName, yes) {
      if (key === shown) return;
      shown = key;
      region.textContent = "";
      if (!templateName) return;
      var result = document.querySelector(".js-result-" + templateName).content.cloneNode(true);
      if (yes.length) meaningsList(result, yes);
      region.appendChild(result);
    }

    function update(resetting) {
      var who = chosen("who", resetting) || "me";
      each(form.querySelectorAll(".js-for-me"), function (text) { text.hidden = who !== "me"; });
      each(form.querySelectorAll(".js-for-other"), function (text) { text.hidden = who === "me"; });
      var yes = [];
      var numbers = [];
      var answered = 0;
      each(questions, function (question, index) {
        var answer = chosen("q" + (index + 1), resetting);
        if (answer) answered += 1;
        if (answer === "yes") {
          yes.push(question);
          numbers.push(index + 1);
        }
      });
      if (yes.length) {
        say("yes-" + who + ":" + numbers.join(","), "yes-" + who, yes);
      } else if (answered && answered === questions.length) {
        say("no-" + who, "no-" + who, yes);
      } else {
        say("", null, yes);
      }
    }

    function clear() {
      form.reset();
    }

    each(document.querySelectorAll(".js-check-controls, .js-check-answers"), function (part) { part.hidden = false; });
    each(document.querySelectorAll(".js-check-static, .js-check-meaning"), function (part) { part.hidden = true; });

    form.addEventListener("change", function () { update(false); });
    form.addEventListener("reset", function () { update(true); });
    // Nothing is ever sent: Enter in a radio group must not navigate, nor put the answers in the address.
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.querySelector(".js-check-clear").addEventListener("click", clear);
    // Browsers give a reloaded page its fields back, and the back-forward cache keeps the whole page: the
    // answers go when the page is left, and again when it comes back.
    window.addEventListener("pagehide", clear);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) clear();
    });
    clear();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
