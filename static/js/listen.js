/* Listen: reads the page aloud with a voice of the device for the page language.
 *
 * - The button is shown only when the device has a voice of its own (localService) for the page's language:
 *   a network voice would send the page's text to a third party, and another language's voice would read
 *   it wrongly (Tigrinya is never read in English). `data-listen` on the controls says what was decided:
 *   "ready" or "no-voice".
 * - It reads the visible text of <main> one block at a time (heading, paragraph, list item...), so Chrome's
 *   cut-off of long utterances never bites, and marks the block being read. Phone numbers are read digit by
 *   digit in their groups.
 * - The button stops it, and so do leaving the page and hiding the tab; the quick exit cancels speech itself,
 *   before anything else (quick_exit.js).
 */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) return;

  var READING_CLASS = "is-being-read";
  // What is read as one utterance, by what it is rather than by its CSS: a flex or grid item is laid out as a
  // block, yet a link styled as a box (the home page's choices) is read whole, with the English words inside it.
  var BLOCKS = "address, article, aside, blockquote, br, caption, dd, details, dialog, div, dl, dt, fieldset, " +
    "figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hgroup, hr, legend, li, main, nav, ol, p, " +
    "pre, section, summary, table, tbody, td, tfoot, th, thead, tr, ul";
  // Form controls are for doing, not reading; their labels are read.
  var NEVER_READ = "script, style, template, noscript, svg, img, input, select, textarea, button, option, " +
    "progress, meter, .js-listen-controls";

  // Voices name their script by their region more often than by a subtag: zh-TW is Traditional, pa-PK is
  // Punjabi in Arabic letters (Shahmukhi), not the Gurmukhi Waymark's pa pages are written in.
  var SCRIPT_OF_REGION = { zh: { cn: "hans", sg: "hans", my: "hans", tw: "hant", hk: "hant", mo: "hant" },
                           pa: { pk: "arab", "in": "guru" } };
  // The script a language is written in when its tag does not say; a voice of another script never fits.
  var USUAL_SCRIPT = { pa: "guru", ku: "latn", ckb: "arab" };
  // Other names for the same language: Mandarin for Chinese, Tagalog for Filipino, Dari for Persian.
  var SAME_LANGUAGE = { cmn: "zh", tl: "fil", prs: "fa" };

  // A BCP 47 tag (or Android's en_GB) as {language, script, region}, all lower case; script is "" when
  // nothing says, so a bare "zh" voice fits neither Simplified nor Traditional.
  function parseTag(tag) {
    var parts = String(tag || "").toLowerCase().replace(/_/g, "-").split("-");
    var language = SAME_LANGUAGE[parts[0]] || parts[0];
    var script = "";
    var region = "";
    for (var i = 1; i < parts.length && parts[i] !== "x"; i += 1) {
      if (/^[a-z]{4}$/.test(parts[i]) && !script && !region) script = parts[i];
      else if (/^([a-z]{2}|[0-9]{3})$/.test(parts[i]) && !region) region = parts[i];
    }
    if (!script && SCRIPT_OF_REGION[language]) script = SCRIPT_OF_REGION[language][region] || "";
    if (!script) script = USUAL_SCRIPT[language] || "";
    return { language: language, script: script, region: region };
  }

  // How well a voice fits the page: 0 not at all, then higher for the same region, then the device's default.
  function fit(page, voice) {
    if (voice.localService !== true) return 0;
    var spoken = parseTag(voice.lang);
    if (!page.language || spoken.language !== page.language) return 0;
    // The page's script when known (zh-Hans, zh-Hant, pa, ku, ckb); a voice that does not say fits none.
    if (page.script && spoken.script !== page.script) return 0;
    return 1 + (page.region && spoken.region === page.region ? 2 : 0) + (voice["default"] ? 1 : 0);
  }

  function voiceFor(lang, voices) {
    var page = parseTag(lang);
    var best = null;
    var bestFit = 0;
    for (var i = 0; i < voices.length; i += 1) {
      var score = fit(page, voices[i]);
      if (score > bestFit) {
        best = voices[i];
        bestFit = score;
      }
    }
    return best;
  }

  function isHidden(element) {
    if (element.hidden || element.getAttribute("aria-hidden") === "true") return true;
    if (element.classList.contains("visually-hidden") || element.matches(NEVER_READ)) return true;
    var style = window.getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse") return true;
    // Also what is not drawn for another reason (inside a closed <details>); display: contents has no box
    // of its own, yet its children are drawn.
    return style.display !== "contents" && element.checkVisibility !== undefined && !element.checkVisibility();
  }

  // "08000 121 700" is said "0 8 0 0 0, 1 2 1, 7 0 0": digit by digit, with a pause between groups.
  function spokenNumber(text) {
    return text.trim().split(/\s+/).map(function (group) {
      return group.split("").join(" ");
    }).join(", ");
  }

  function tidy(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // The blocks a sighted person reads in <main>, in order, each {element, text}. Text between blocks (a call
  // link alone in a section) is a block of its own, shown by its one element when it is one element.
  function readableBlocks(main) {
    var blocks = [];
    var run = null;

    function finishRun() {
      if (run && tidy(run.text)) {
        var whole = run.owners.length === 1 && !run.loose ? run.owners[0] : run.block;
        blocks.push({ element: whole, text: tidy(run.text) });
      }
      run = null;
    }

    // `owner` is the outermost inline element the text is in, or null for text straight in its block.
    function add(text, block, owner) {
      if (!run) run = { text: "", block: block, owners: [], loose: false };
      run.text += text;
      if (owner && run.owners.indexOf(owner) === -1) run.owners.push(owner);
      if (!owner && tidy(text)) run.loose = true;
    }

    function walk(node, block, owner) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          add(child.data, block, owner);
        } else if (child.nodeType !== Node.ELEMENT_NODE || isHidden(child)) {
          continue;
        } else if (child.matches("a.call")) {
          // Its visually hidden name is for screen readers; what is said is the number on the button.
          var number = child.querySelector("bdi") || child;
          add(spokenNumber(number.textContent), block, owner || child);
        } else if (child.matches(BLOCKS)) {
          finishRun();
          walk(child, child, null);
          finishRun();
        } else {
          walk(child, block, owner || child);
        }
      }
    }

    walk(main, main, null);
    finishRun();
    return blocks;
  }

  function start() {
    var controls = document.querySelector(".js-listen-controls");
    var button = controls && controls.querySelector(".js-listen");
    var main = document.querySelector("main");
    if (!button || !main) return;
    var listenLabel = button.textContent;
    var stopLabel = button.getAttribute("data-i18n-stop") || listenLabel;
    var voice = null;
    var reading = null; // {blocks, index, utterance} while reading

    function mark(element) {
      var marked = main.querySelectorAll("." + READING_CLASS);
      for (var i = 0; i < marked.length; i += 1) marked[i].classList.remove(READING_CLASS);
      if (!element) return;
      element.classList.add(READING_CLASS);
      var box = element.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) element.scrollIntoView({ block: "nearest" });
    }

    function finish() {
      reading = null;
      mark(null);
      button.textContent = listenLabel;
    }

    function stop() {
      var wasReading = reading;
      finish();
      if (wasReading) synth.cancel();
    }

    // The quick exit cancels speech without telling this script: a browser may then end the utterance
    // (Safari) rather than fail it (Chrome), and nothing more may be read from a page that is leaving.
    function mayGoOn() {
      return !document.documentElement.classList.contains("is-exiting") && document.visibilityState !== "hidden";
    }

    function speakNext() {
      if (!reading) return;
      if (!mayGoOn() || reading.index >= reading.blocks.length) {
        finish();
        return;
      }
      var block = reading.blocks[reading.index];
      var utterance = new SpeechSynthesisUtterance(block.text);
      utterance.lang = voice.lang.replace(/_/g, "-");
      utterance.voice = voice;
      var current = reading;
      utterance.onstart = function () {
        if (reading === current && reading.utterance === utterance) mark(block.element);
      };
      utterance.onend = function () {
        if (reading !== current || reading.utterance !== utterance) return;
        reading.index += 1;
        speakNext();
      };
      utterance.onerror = function () {
        if (reading === current && reading.utterance === utterance) finish();
      };
      // Kept while speaking: Chrome forgets an utterance nothing refers to, and never ends it.
      reading.utterance = utterance;
      synth.speak(utterance);
    }

    function read() {
      var blocks = readableBlocks(main);
      if (!blocks.length || !voice) return;
      // Whatever another page left speaking; only then, as Chrome can drop an utterance spoken right after a cancel.
      if (synth.speaking || synth.pending) synth.cancel();
      reading = { blocks: blocks, index: 0, utterance: null };
      button.textContent = stopLabel;
      speakNext();
    }

    function decide() {
      voice = voiceFor(document.documentElement.lang, synth.getVoices() || []);
      controls.setAttribute("data-listen", voice ? "ready" : "no-voice");
      controls.hidden = !voice;
      if (!voice) stop();
    }

    button.addEventListener("click", function () {
      if (reading) stop();
      else read();
    });
    // A device's voices may arrive after the page, and may change while it is open.
    if (synth.addEventListener) synth.addEventListener("voiceschanged", decide);
    else synth.onvoiceschanged = decide;
    window.addEventListener("pagehide", stop);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") stop();
    });
    decide();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
