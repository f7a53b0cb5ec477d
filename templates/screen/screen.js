/* The interactive page's script (screen/page.html.j2), inlined into every file.

   Reads the page data (#quizgen-data), wires every kind's controls, and then:
   practice: checks an answer against the sealed checks (quizgen/render/seal.py
   says what they are and why the answers cannot be read from them);
   assessment: keeps the answers in localStorage (key: build id + version) and
   saves them as a response file (quizgen/responses.py defines it).
   No request of any kind: the page's Content-Security-Policy forbids them. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("quizgen-data").textContent);
  var questions = {};
  data.positions.forEach(function (p) {
    questions[p.position] = { kind: p.kind, element: document.getElementById("q" + p.position) };
  });

  /* ---- SHA-256 (FIPS 180-4) over bytes; the tests compare it with Python's hashlib. ---- */

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256(bytes) {
    var length = bytes.length;
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var bits = length * 8;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (i = 16; i < 64; i++) {
        var a15 = w[i - 15], a2 = w[i - 2];
        var s0 = ((a15 >>> 7) | (a15 << 25)) ^ ((a15 >>> 18) | (a15 << 14)) ^ (a15 >>> 3);
        var s1 = ((a2 >>> 17) | (a2 << 15)) ^ ((a2 >>> 19) | (a2 << 13)) ^ (a2 >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + hh) | 0;
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
    return out;
  }

  var encoder = new TextEncoder();
  var decoder = new TextDecoder("utf-8");

  function digest(parts) { return sha256(encoder.encode(parts.join("\u001f"))); }

  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function xor(a, b) {
    var out = new Uint8Array(a.length);
    for (var i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
    return out;
  }

  function unseal(key, sealed) {
    var data = fromBase64(sealed), stream = new Uint8Array(data.length);
    for (var block = 0; block * 32 < data.length; block++) {
      var input = new Uint8Array(key.length + 4);
      input.set(key);
      new DataView(input.buffer).setUint32(key.length, block);
      var chunk = sha256(input);
      stream.set(chunk.subarray(0, Math.min(32, data.length - block * 32)), block * 32);
    }
    return decoder.decode(xor(data, stream)).replace(/ +$/, "");
  }

  /* ---- Reading typed text, exactly as quizgen.responses does. ---- */

  var QUOTES = { "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u201c": "\"",
    "\u201d": "\"", "\u201e": "\"", "\u201f": "\"", "\u2033": "\"", "\u2013": "-", "\u2014": "-", "\u2011": "-",
    "\u2012": "-", "\u2212": "-" };

  function normalise(text) {
    text = text.normalize("NFKC").toLowerCase().replace(/[\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033\u2013\u2014\u2011\u2012\u2212]/g,
      function (c) { return QUOTES[c]; });
    text = text.split(/\s+/).filter(Boolean).join(" ");
    var previous = null;
    while (previous !== text) {
      previous = text;
      text = text.replace(/^[ "']+|[ "']+$/g, "");
      if (text.slice(-1) === ".") text = text.slice(0, -1);
      text = text.trim();
    }
    return text;
  }

  /* A number as {negative, digits (BigInt), scale}, or null; see parse_number. */
  function parseNumber(text) {
    text = text.normalize("NFKC").replace(/\s+/g, "").replace(/\u2212/g, "-");
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, "");
    else if ((text.match(/,/g) || []).length === 1 && text.indexOf(".") < 0) text = text.replace(",", ".");
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return null;
    var negative = text[0] === "-";
    text = text.replace(/^[+-]/, "");
    var parts = text.split(".");
    var fraction = (parts[1] || "").replace(/0+$/, "");
    var digits = BigInt((parts[0] || "0") + fraction || "0");
    return { negative: negative && digits !== 0n, digits: digits, scale: fraction.length };
  }

  /* A number written as format_number writes it: 1936, 2.5, -0.25. */
  function numberText(negative, digits, scale) {
    var text = digits.toString();
    if (scale > 0) {
      text = text.padStart(scale + 1, "0");
      text = text.slice(0, -scale) + "." + text.slice(-scale);
      text = text.replace(/0+$/, "").replace(/\.$/, "");
    }
    return (negative && /[1-9]/.test(text) ? "-" : "") + text;
  }

  /* The canonical forms to look up for a number: itself, or the two grid
     points around it when it has more decimals than the answer (both must be
     accepted; the range's ends lie on the grid). */
  function numberForms(text, decimals) {
    var n = parseNumber(text);
    if (!n) return null;
    if (n.scale <= decimals) return [numberText(n.negative, n.digits, n.scale)];
    var divisor = 10n ** BigInt(n.scale - decimals);
    var signed = n.negative ? -n.digits : n.digits;
    var floor = signed / divisor;
    if (signed < 0n && signed % divisor !== 0n) floor -= 1n;
    var ceiling = floor + 1n;
    function grid(value) { return numberText(value < 0n, value < 0n ? -value : value, decimals); }
    return [grid(floor), grid(ceiling)];
  }

  /* The forms to look up for a number in a wide range (seal.py: "levels"): itself when it is on the
     grid (the range's top end is listed so), and the block holding it at each level, "b<level>:<index>",
     index = the number counted in grid steps, floored to a multiple of 10^level, over 10^level. */
  function blockForms(text, decimals, levels) {
    var n = parseNumber(text);
    if (!n) return null;
    var signed = n.negative ? -n.digits : n.digits;
    var forms = n.scale <= decimals ? [numberText(n.negative, n.digits, n.scale)] : [];
    for (var level = 0; level < levels; level++) {
      var shift = n.scale - decimals + level, index;
      if (shift <= 0) {
        index = signed * 10n ** BigInt(-shift);
      } else {
        var divisor = 10n ** BigInt(shift);
        index = signed / divisor;
        if (signed < 0n && signed % divisor !== 0n) index -= 1n;
      }
      forms.push("b" + level + ":" + index.toString());
    }
    return forms;
  }

  /* ---- Each kind's value (as the response file holds it) and canonical form (as the checks hold it). ---- */

  function checked(q) {
    return Array.prototype.filter.call(q.element.querySelectorAll("input[type=radio], input[type=checkbox]"),
      function (input) { return input.checked; }).map(function (input) { return input.value; });
  }

  function text(q) {
    var field = q.element.querySelector(".response input[type=text], .response textarea");
    var value = field.value.trim();
    return value ? value : null;
  }

  function orderPlaces(q) {
    var items = Array.prototype.slice.call(q.element.querySelectorAll(".order-item"));
    var places = new Array(items.length);
    items.forEach(function (item, index) { places[Number(item.dataset.item) - 1] = index + 1; });
    return places;
  }

  function value(position) {
    var q = questions[position];
    switch (q.kind) {
      case "single-choice": return checked(q)[0] || null;
      case "true-false": var tf = checked(q)[0]; return tf ? tf === "True" : null;
      case "multiple-response": var letters = checked(q); return letters.length ? letters : null;
      case "numeric": case "short-answer": case "open-response": return text(q);
      case "matching":
        var chosen = Array.prototype.map.call(q.element.querySelectorAll("select"), function (s) { return s.value || null; });
        return chosen.some(Boolean) ? chosen : null;
      case "ordering": return q.element.dataset.touched === "true" ? orderPlaces(q) : null;
      case "mark-the-words":
        var words = Array.prototype.filter.call(q.element.querySelectorAll(".word"), function (w) {
          return w.getAttribute("aria-pressed") === "true";
        }).map(function (w) { return { index: Number(w.dataset.index), word: w.textContent }; });
        return words.length ? words : null;
    }
    return null;
  }

  /* Canonical forms of the answer given (several for an off-grid number), or a reason it cannot be checked yet. */
  function canonical(position, check) {
    var q = questions[position], given = value(position);
    if (given === null) return { problem: "Answer the question first." };
    switch (q.kind) {
      case "single-choice": return { forms: [given] };
      case "true-false": return { forms: [given ? "true" : "false"] };
      case "multiple-response": return { forms: [given.join(",")] };
      case "numeric":
        var forms = check.levels ? blockForms(given, check.decimals || 0, check.levels) : numberForms(given, check.decimals || 0);
        if (!forms) return { problem: "Type a number, such as 1936 or 2.5 (the unit is already there)." };
        return { forms: forms, all: !check.levels };
      case "short-answer": return { forms: [normalise(given)] };
      case "matching":
        if (given.indexOf(null) >= 0) return { problem: "Choose a letter for every numbered item first." };
        return { forms: [given.join(",")] };
      case "ordering": return { forms: [given.join(",")] };
      case "mark-the-words": return { forms: [given.map(function (w) { return w.index; }).join(",")] };
    }
    return { problem: "This question is not checked on the page." };
  }

  /* ---- Practice: check, then explain. ---- */

  function tryKey(check, form) {
    var tag = toBase64(digest([check.salt, "check", form]).subarray(0, 16));
    var at = check.tags.indexOf(tag);
    if (at < 0) return null;
    return xor(fromBase64(check.wraps[at]), digest([check.salt, "wrap", form]));
  }

  function paragraph(parent, className, content) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = content;
    parent.appendChild(p);
    return p;
  }

  function runCheck(position) {
    var q = questions[position], check = data.checks[String(position)];
    var box = document.getElementById("q" + position + "-feedback");
    box.textContent = "";
    box.className = "feedback";
    var answer = canonical(position, check);
    if (answer.problem) { paragraph(box, "feedback-verdict", answer.problem); return; }
    var keys = answer.forms.map(function (form) { return tryKey(check, form); });
    var right = answer.all ? keys.every(Boolean) : keys.some(Boolean);
    q.attempts = (q.attempts || 0) + 1;
    if (right) {
      var key = keys.filter(Boolean)[0];
      box.className = "feedback right";
      paragraph(box, "feedback-verdict", "Right.");
      paragraph(box, "explanation", unseal(key, check.sealed));
    } else {
      box.className = "feedback wrong";
      paragraph(box, "feedback-verdict", "Not yet. Try again." + (q.attempts > 1 ? " (attempt " + q.attempts + ")" : ""));
      if (check.feedback && q.kind === "single-choice") {
        var note = unseal(digest([check.salt, "feedback", answer.forms[0]]), check.feedback[answer.forms[0]]);
        if (note) paragraph(box, "choice-feedback", note);
      }
    }
  }

  function showRubric(position) {
    var check = data.checks[String(position)];
    var area = document.getElementById("q" + position + "-rubric");
    var button = questions[position].element.querySelector(".show-rubric");
    if (!area.hidden) { area.hidden = true; button.setAttribute("aria-expanded", "false"); return; }
    area.textContent = "";
    paragraph(area, "rubric-intro", "How your teacher marks this question. Which level does your answer reach?");
    var list = document.createElement("dl");
    JSON.parse(unseal(digest([check.salt, "rubric"]), check.rubric)).forEach(function (level) {
      var term = document.createElement("dt"), detail = document.createElement("dd");
      term.textContent = level[0];
      detail.textContent = level[1];
      list.appendChild(term);
      list.appendChild(detail);
    });
    area.appendChild(list);
    area.hidden = false;
    button.setAttribute("aria-expanded", "true");
  }

  /* ---- Ordering: buttons and dragging (pointer: mouse, pen or touch). ---- */

  function placeNumbers(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".order-item"), function (item, index) {
      item.querySelector(".order-place").textContent = String(index + 1);
      var buttons = item.querySelectorAll(".move");
      buttons[0].disabled = index === 0;
      buttons[1].disabled = index === list.children.length - 1;
    });
  }

  function moved(q, item) {
    q.element.dataset.touched = "true";
    var list = item.parentNode;
    placeNumbers(list);
    var place = Array.prototype.indexOf.call(list.children, item) + 1;
    document.getElementById(q.element.id + "-moved").textContent =
      item.querySelector(".order-text").textContent + ": now " + place + " of " + list.children.length + ".";
    changed();
  }

  function moveBy(q, item, step) {
    var list = item.parentNode, sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    list.insertBefore(item, step < 0 ? sibling : sibling.nextElementSibling);
    var button = item.querySelector(".move[data-step='" + step + "']");
    if (button.disabled || !(step < 0 ? item.previousElementSibling : item.nextElementSibling)) {
      button = item.querySelector(".move[data-step='" + (-step) + "']");
    }
    moved(q, item);
    button.focus();
  }

  /* Dragging moves the item into the slot under the pointer as it goes, so
     the list is always in a real order and what you see is what is saved.
     The listeners are on the document: moving a node in the page ends its
     pointer capture. */
  function startDrag(q, item, event) {
    var list = item.parentNode, startY = event.clientY, moving = false, pointer = event.pointerId;
    function move(e) {
      if (e.pointerId !== pointer) return;
      if (!moving && Math.abs(e.clientY - startY) < 4) return;
      moving = true;
      item.classList.add("dragging");
      var others = Array.prototype.filter.call(list.children, function (other) { return other !== item; });
      var target = null;
      for (var i = 0; i < others.length; i++) {
        var box = others[i].getBoundingClientRect();
        if (e.clientY < box.top + box.height / 2) { target = others[i]; break; }
      }
      if (target) { if (item.nextElementSibling !== target) list.insertBefore(item, target); }
      else if (list.lastElementChild !== item) list.appendChild(item);
    }
    function end(e) {
      if (e.pointerId !== pointer) return;
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", end);
      document.removeEventListener("pointercancel", end);
      item.classList.remove("dragging");
      if (moving) moved(q, item);
    }
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", end);
  }

  /* ---- Mark the words: toggle buttons with one tab stop (arrow keys move). ---- */

  function markCount(q) {
    var count = q.element.querySelectorAll(".word[aria-pressed='true']").length;
    q.element.querySelector(".marked-count").textContent = count ? count + (count === 1 ? " word" : " words") + " selected." : "";
  }

  function wireWords(q) {
    var words = Array.prototype.slice.call(q.element.querySelectorAll(".word"));
    words.forEach(function (word, index) {
      word.addEventListener("click", function () {
        word.setAttribute("aria-pressed", word.getAttribute("aria-pressed") === "true" ? "false" : "true");
        words.forEach(function (w) { w.tabIndex = -1; });
        word.tabIndex = 0;
        markCount(q);
        changed();
      });
      word.addEventListener("keydown", function (event) {
        var target = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") target = words[Math.min(index + 1, words.length - 1)];
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") target = words[Math.max(index - 1, 0)];
        else if (event.key === "Home") target = words[0];
        else if (event.key === "End") target = words[words.length - 1];
        if (!target) return;
        event.preventDefault();
        words.forEach(function (w) { w.tabIndex = -1; });
        target.tabIndex = 0;
        target.focus();
      });
    });
  }

  /* ---- Wiring every question. ---- */

  Object.keys(questions).forEach(function (position) {
    var q = questions[position];
    if (q.kind === "ordering") {
      var list = q.element.querySelector(".order-list");
      placeNumbers(list);
      Array.prototype.forEach.call(list.querySelectorAll(".order-item"), function (item) {
        Array.prototype.forEach.call(item.querySelectorAll(".move"), function (button) {
          button.addEventListener("click", function () { moveBy(q, item, Number(button.dataset.step)); });
        });
        item.addEventListener("pointerdown", function (event) {
          if (event.target.closest("button") || event.button !== 0) return;
          event.preventDefault();
          startDrag(q, item, event);
        });
      });
    }
    if (q.kind === "mark-the-words") wireWords(q);
    q.element.addEventListener("input", changed);
    q.element.addEventListener("change", changed);
  });

  var checkButtons = document.querySelectorAll(".check-button");
  Array.prototype.forEach.call(checkButtons, function (button) {
    button.addEventListener("click", function () { runCheck(Number(button.dataset.position)); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".show-rubric"), function (button) {
    button.addEventListener("click", function () { showRubric(Number(button.dataset.position)); });
  });

  /* Practice: the rubric opens once something is written. */
  function rubricButtons() {
    Array.prototype.forEach.call(document.querySelectorAll(".show-rubric"), function (button) {
      var written = value(Number(button.dataset.position)) !== null;
      button.disabled = !written;
      if (!written) {
        document.getElementById("q" + button.dataset.position + "-rubric").hidden = true;
        button.setAttribute("aria-expanded", "false");
      }
    });
  }

  /* ---- Assessment: keep, restore and save the answers. ---- */

  var storeKey = "quizgen:" + data.build + ":" + data.version;
  var nameField = document.getElementById("student-name");
  var restoring = false;
  var ownerName = "";  /* whose answers are on the page (the name they were given under) */

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function snapshot() {
    var answers = {}, orders = {};
    Object.keys(questions).forEach(function (position) {
      answers[position] = value(Number(position));
      var q = questions[position];
      if (q.kind === "ordering" && q.element.dataset.touched === "true") {
        orders[position] = Array.prototype.map.call(q.element.querySelectorAll(".order-item"), function (item) {
          return Number(item.dataset.item);
        });
      }
    });
    return { student: nameField ? nameField.value : "", owner: ownerName, answers: answers, orders: orders };
  }

  function answeredCount() {
    return Object.keys(questions).filter(function (p) { return value(Number(p)) !== null; }).length;
  }

  function progress() {
    var line = document.getElementById("progress");
    if (line) line.textContent = answeredCount() + " of " + Object.keys(questions).length + " questions answered.";
  }

  function changed() {
    if (data.mode === "practice") { rubricButtons(); return; }
    if (restoring) return;
    var store = storage();
    if (store) {
      try { store.setItem(storeKey, JSON.stringify(snapshot())); } catch (e) { /* full or refused: the page still works */ }
    }
    progress();
  }

  function clearAnswers() {
    Object.keys(questions).forEach(function (position) {
      var q = questions[position];
      Array.prototype.forEach.call(q.element.querySelectorAll("input[type=radio], input[type=checkbox]"), function (i) { i.checked = false; });
      Array.prototype.forEach.call(q.element.querySelectorAll("input[type=text], textarea, select"), function (i) { i.value = ""; });
      Array.prototype.forEach.call(q.element.querySelectorAll(".word"), function (w) { w.setAttribute("aria-pressed", "false"); });
      if (q.kind === "mark-the-words") markCount(q);
      if (q.kind === "ordering") {
        var list = q.element.querySelector(".order-list");
        var items = Array.prototype.slice.call(list.children).sort(function (a, b) { return a.dataset.item - b.dataset.item; });
        items.forEach(function (item) { list.appendChild(item); });
        delete q.element.dataset.touched;
        placeNumbers(list);
      }
    });
  }

  function restore(saved) {
    restoring = true;
    Object.keys(saved.answers || {}).forEach(function (position) {
      var q = questions[position], given = saved.answers[position];
      if (!q || given === null || given === undefined) return;
      switch (q.kind) {
        case "single-choice": case "multiple-response":
          [].concat(given).forEach(function (letter) {
            var input = q.element.querySelector("input[value='" + String(letter).replace(/[^A-Z]/g, "") + "']");
            if (input) input.checked = true;
          });
          break;
        case "true-false":
          var input = q.element.querySelector("input[value='" + (given ? "True" : "False") + "']");
          if (input) input.checked = true;
          break;
        case "numeric": case "short-answer": case "open-response":
          q.element.querySelector(".response input[type=text], .response textarea").value = String(given);
          break;
        case "matching":
          Array.prototype.forEach.call(q.element.querySelectorAll("select"), function (select, i) { select.value = given[i] || ""; });
          break;
        case "mark-the-words":
          var marked = given.map(function (w) { return w.index; });
          Array.prototype.forEach.call(q.element.querySelectorAll(".word"), function (w) {
            w.setAttribute("aria-pressed", marked.indexOf(Number(w.dataset.index)) >= 0 ? "true" : "false");
          });
          markCount(q);
          break;
      }
    });
    Object.keys(saved.orders || {}).forEach(function (position) {
      var q = questions[position];
      if (!q || q.kind !== "ordering") return;
      var list = q.element.querySelector(".order-list");
      saved.orders[position].forEach(function (n) {
        var item = list.querySelector(".order-item[data-item='" + Number(n) + "']");
        if (item) list.appendChild(item);
      });
      q.element.dataset.touched = "true";
      placeNumbers(list);
    });
    nameField.value = saved.student || "";
    ownerName = saved.owner || "";
    restoring = false;
  }

  function fileName(student) {
    var slug = student.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "student";
    return data.worksheet + "-" + data.version + "-" + slug + ".json";
  }

  function responseFile(student) {
    return JSON.stringify({
      format: "quizgen-response",
      schema: data.response_schema,
      build: data.build,
      worksheet: data.worksheet,
      title: data.title,
      version: data.version,
      student: student,
      saved: new Date().toISOString(),
      answers: data.positions.map(function (p) {
        return { position: p.position, kind: p.kind, value: value(p.position) };
      })
    }, null, 1) + "\n";
  }

  var fileHandle = null, fileOwner = "";

  function say(message, problem) {
    var status = document.getElementById("save-status");
    status.textContent = message;
    status.className = "save-status" + (problem ? " problem" : "");
  }

  function download(name, content) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([content], { type: "application/json" }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  /* Where the browser can write a chosen file (Chromium), a second save by the
     same student writes over the first file; elsewhere each save downloads a
     whole file of its own. Either way a file holds one student's whole set. */
  function save() {
    var student = nameField.value.trim();
    if (!student) {
      say("Type your name first: your teacher needs it to give you your mark.", true);
      nameField.focus();
      return;
    }
    if (ownerName && student !== ownerName && answeredCount()) {
      askWhose(student);
      say("Say whose answers these are first (just under your name).", true);
      return;
    }
    if (student !== fileOwner) fileHandle = null;
    ownerName = student;
    changed();
    var content = responseFile(student), name = fileName(student);
    var done = "Saved for " + student + ": " + answeredCount() + " of " + data.positions.length + " questions answered.";
    if (typeof window.showSaveFilePicker === "function") {
      var handle = fileHandle && fileOwner === student ? Promise.resolve(fileHandle) :
        window.showSaveFilePicker({ suggestedName: name, types: [{ description: "Answers", accept: { "application/json": [".json"] } }] });
      handle.then(function (h) {
        fileHandle = h; fileOwner = student;
        return h.createWritable().then(function (w) { return w.write(content).then(function () { return w.close(); }); });
      }).then(function () { say(done + " File: " + fileHandle.name + "."); }, function (error) {
        if (error && error.name === "AbortError") { say("Not saved: no file was chosen.", true); return; }
        download(name, content);
        say(done + " File: " + name + " (in your downloads).");
      });
      return;
    }
    download(name, content);
    say(done + " File: " + name + " (in your downloads).");
  }

  function askWhose(newName) {
    var box = document.getElementById("student-change");
    document.getElementById("student-change-text").textContent =
      "The answers on this page were given under the name " + ownerName + ". Are they " + newName + "'s?";
    box.hidden = false;
  }

  if (data.mode === "assessment") {
    var store = storage(), saved = null;
    try { saved = store && JSON.parse(store.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (saved && typeof saved === "object") {
      try { restore(saved); } catch (e) { clearAnswers(); restoring = false; ownerName = ""; }  /* kept by another page: start clean */
      if (answeredCount()) {
        var note = document.getElementById("restored");
        note.textContent = "The answers kept on this device" + (ownerName ? " for " + ownerName : "") +
          " are back on the page. Someone else? Use “Start afresh” at the end.";
        note.hidden = false;
      }
    }
    progress();
    var hideQuestion = function () { document.getElementById("student-change").hidden = true; };
    nameField.addEventListener("input", changed);
    /* A name is taken when it is committed (leaving the box, or Enter); changing
       it while another name's answers are on the page asks whose they are. */
    nameField.addEventListener("change", function () {
      var name = nameField.value.trim();
      if (ownerName && name && name !== ownerName && answeredCount()) askWhose(name);
      else { if (name) ownerName = name; hideQuestion(); }
      changed();
    });
    document.getElementById("keep-answers").addEventListener("click", function () {
      ownerName = nameField.value.trim();
      hideQuestion();
      changed();
      nameField.focus();
    });
    document.getElementById("clear-answers").addEventListener("click", function () {
      clearAnswers();
      ownerName = nameField.value.trim();
      fileHandle = null;
      hideQuestion();
      changed();
      say("The answers were cleared for " + (ownerName || "a new student") + ".");
      nameField.focus();
    });
    document.getElementById("new-student").addEventListener("click", function () {
      clearAnswers();
      nameField.value = "";
      ownerName = "";
      fileHandle = null;
      hideQuestion();
      document.getElementById("restored").hidden = true;
      var s = storage();
      if (s) { try { s.removeItem(storeKey); } catch (e) { /* nothing kept */ } }
      progress();
      say("Cleared: the page is ready for a new student.");
      nameField.focus();
    });
    document.getElementById("save-answers").addEventListener("click", save);
  } else {
    rubricButtons();
  }

  /* For the tests: the page's own hashing and reading of text, to compare with Python's. */
  window.quizgenPage = { sha256Base64: function (t) { return toBase64(sha256(encoder.encode(t))); },
    normalise: normalise, numberForms: numberForms, blockForms: blockForms, value: value };
})();
