/* The register without signal. Every tap on the register is kept on this device as a mark with
   its own id and the moment it was made, and sent to the server (POST
   /api/v1/sessions/{id}/register/marks) at once if it can, else when the connection returns.
   Sending a mark twice changes nothing, so a mark is forgotten here only once the server has
   answered. What is not sent yet is said in a live region. Without this script the form is
   posted as before. Texts come in the page's language from the form's data- attributes. */
(function () {
  "use strict";

  var form = document.querySelector("form.register[data-marks-session]");
  if (!form || !window.fetch || !window.localStorage || !window.JSON) {
    return;
  }
  var d = form.dataset;
  var SESSION = Number(d.marksSession);
  var KEY = "groepsaanbod-register-marks-" + d.staff;
  var RETRY_MS = 20000;
  var BATCH = 200;
  var status = document.getElementById("register-sync");
  var sentSome = false;
  var problem = "";

  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function store(list) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(list));
    } catch (e) {
      /* storage full or refused: the marks of this page stay in memory only */
    }
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* While the save button is being pressed, the status line keeps still: a count typed just before
     is marked when the field loses focus, which is at the press, and a line that grew then would
     move the button from under the finger and the press would be lost. */
  var holding = false;
  var save = form.querySelector("button.register-save");
  if (save) {
    save.addEventListener("pointerdown", function () { holding = true; });
    ["pointerup", "pointercancel", "pointerleave", "click"].forEach(function (kind) {
      save.addEventListener(kind, function () {
        if (holding) {
          holding = false;
          window.setTimeout(show, 0);
        }
      });
    });
  }

  function show() {
    if (!status || holding) {
      return;
    }
    var waiting = load().length;
    var text = "";
    if (problem) {
      text = problem;
    } else if (waiting) {
      text = d.textPending.replace("{count}", String(waiting));
    } else if (sentSome) {
      text = d.textSent;
    }
    status.classList.toggle("register-sync--waiting", waiting > 0);
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function queue(mark) {
    mark.id = newId();
    mark.session_id = SESSION;
    mark.marked_at = new Date().toISOString();
    var list = load();
    list.push(mark);
    store(list);
    problem = "";
    show();
  }

  function forget(ids) {
    var gone = {};
    ids.forEach(function (id) { gone[id] = true; });
    store(load().filter(function (m) { return !gone[m.id]; }));
  }

  function detail(body) {
    if (body && body.errors && body.errors.length && body.errors[0].detail) {
      return body.errors[0].detail;
    }
    return (body && (body.detail || body.title)) || "";
  }

  function sendBatch(sessionId, marks) {
    var url = "/api/v1/sessions/" + sessionId + "/register/marks?lang=" + encodeURIComponent(d.lang);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ marks: marks })
    }).then(function (response) {
      var ids = marks.map(function (m) { return m.id; });
      if (response.ok) {
        forget(ids);
        sentSome = true;
        return true;
      }
      if (response.status === 401) {
        problem = d.textSignIn;
        return false;
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        /* The server will never take these (closed register, a mark too old): say why, drop them. */
        return response.json().catch(function () { return null; }).then(function (body) {
          forget(ids);
          problem = d.textRefused.replace("{reason}", detail(body));
          return true;
        });
      }
      return false;
    });
  }

  var inFlight = null;
  var again = false;

  /* Send what waits, one batch after another; a tap made while sending is sent right after. */
  function flush() {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    var list = load();
    if (!list.length) {
      show();
      return Promise.resolve();
    }
    var bySession = {};
    list.forEach(function (m) {
      (bySession[m.session_id] = bySession[m.session_id] || []).push(m);
    });
    var chain = Promise.resolve(true);
    Object.keys(bySession).forEach(function (sessionId) {
      var marks = bySession[sessionId];
      for (var i = 0; i < marks.length; i += BATCH) {
        (function (part) {
          chain = chain.then(function (going) { return going && sendBatch(sessionId, part); });
        })(marks.slice(i, i + BATCH));
      }
    });
    inFlight = chain.catch(function () { return false; }).then(function (allSent) {
      inFlight = null;
      show();
      var more = again && allSent;
      again = false;
      return more ? flush() : null;
    });
    return inFlight;
  }

  function reasonOf(pid) {
    var select = form.querySelector("select[name='reason-" + pid + "']");
    return select ? select.value : null;
  }

  function personMark(box) {
    var pid = Number(box.value);
    return box.checked
      ? { participant_id: pid, value: "present" }
      : { participant_id: pid, value: "absent", reason: d.dropIn ? null : reasonOf(pid) };
  }

  function whole(input) {
    if (!input || input.value.trim() === "") {
      return null;
    }
    var n = Number(input.value);
    return n === Math.floor(n) && n >= 0 && n <= 500 ? n : null;
  }

  /* The drop-in's count, when both numbers are whole numbers the register takes (else the form says why). */
  function headCount() {
    var adults = whole(form.querySelector("input[name=adults]"));
    var children = whole(form.querySelector("input[name=children]"));
    if (adults === null || children === null) {
      return null;
    }
    return { participant_id: null, value: "head_count", adults: adults, children: children };
  }

  var PEOPLE = d.dropIn ? "input[name=checked_in]" : "input[name=present]";

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches(PEOPLE)) {
      queue(personMark(target));
    } else if (target.matches("select[name^='reason-']")) {
      var box = form.querySelector(PEOPLE + "[value='" + target.name.slice(7) + "']");
      if (box && !box.checked) {
        queue(personMark(box));
      }
    } else if (target.matches("input[name=adults], input[name=children]")) {
      var count = headCount();
      if (count) {
        queue(count);
      }
    } else {
      return;
    }
    flush();
  });

  /* Saving with signal: the form is posted as without this script (it holds every tick, and
     notes, partners and babies, which only go this way); the taps of this register waiting here
     are forgotten once the saved page comes back. Without signal: the whole register as marks. */
  var SUBMITTED = "groepsaanbod-register-submitted-" + SESSION;
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) {
      try {
        window.sessionStorage.setItem(SUBMITTED, new Date().toISOString());
      } catch (e) {
        /* without it the waiting taps are sent later, and the saved register, being later, stays */
      }
      return;
    }
    event.preventDefault();
    Array.prototype.forEach.call(form.querySelectorAll(PEOPLE), function (box) { queue(personMark(box)); });
    var count = d.dropIn ? headCount() : null;
    if (count) {
      queue(count);
    }
    flush();
  });

  try {
    var submitted = window.sessionStorage.getItem(SUBMITTED);
    if (submitted && /[?&]done=saved/.test(window.location.search)) {
      store(load().filter(function (m) { return m.session_id !== SESSION || m.marked_at > submitted; }));
    }
    window.sessionStorage.removeItem(SUBMITTED);
  } catch (e) {
    /* no session storage: nothing was noted */
  }

  /* A page kept by the service worker shows the register as it was: put the waiting taps back on it. */
  load().forEach(function (m) {
    if (m.session_id !== SESSION || m.participant_id === null) {
      return;
    }
    var box = form.querySelector(PEOPLE + "[value='" + m.participant_id + "']");
    if (box) {
      box.checked = m.value === "present";
    }
  });

  var signOut = document.querySelector("form[action$='/staff/sign-out']");
  if (signOut && navigator.serviceWorker && navigator.serviceWorker.controller) {
    signOut.addEventListener("submit", function () {
      navigator.serviceWorker.controller.postMessage({ forget: true });
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  window.setInterval(function () {
    if (load().length && navigator.onLine) {
      flush();
    }
  }, RETRY_MS);

  if ("serviceWorker" in navigator) {
    var first = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register("/register-worker.js", { scope: "/" + d.lang + "/staff/sessions/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var keep = Array.prototype.map.call(
          document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href]"),
          function (el) { return el.href || el.src; }
        );
        if (first) {
          keep.push(window.location.pathname);
        }
        if (registration.active) {
          registration.active.postMessage({ keep: keep });
        }
      })
      .catch(function () { /* no worker (private window, old browser): the register still keeps the marks */ });
  }

  show();
  flush();
})();
