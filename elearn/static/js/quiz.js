/* Quiz attempt: saves each answer as it is given, queues it in localStorage while offline or when the
   server cannot be reached, and retries with backoff. An expired login (401) keeps the queue and asks the
   learner to log in again; a refused CSRF token (400) is refetched once and the answer retried.
   The page works without this script (page-by-page form). */
(function () {
  "use strict";
  var form = document.getElementById("attempt-form") || document.getElementById("submit-form");
  if (!form || !window.fetch) return;
  var attemptId = form.dataset.attempt;
  var answerUrl = form.dataset.answerUrl;
  var tokenUrl = form.dataset.tokenUrl;
  var key = "quiz-queue-" + attemptId;
  var statusEl = document.getElementById("quiz-status");
  var loginEl = document.getElementById("quiz-login");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var token = tokenInput ? tokenInput.value : "";
  var sending = false, retryDelay = 1000, retryTimer = null, needLogin = false, closed = false;

  var SAVED = "Đã lưu", PENDING = "Chưa lưu — sẽ gửi lại khi có mạng", SAVING = "Đang lưu…";
  var WAITING_LOGIN = "Chưa lưu — đăng nhập lại để gửi";

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) {
    try {
      if (Object.keys(queue).length) localStorage.setItem(key, JSON.stringify(queue));
      else localStorage.removeItem(key);
    } catch (e) { /* private mode: the in-page queue still works */ }
  }
  var queue = load();

  function setStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.dataset.state = state || "";
  }
  function markQuestion(position, text, state) {
    var block = document.getElementById("q" + position);
    var el = block && block.querySelector(".q-status");
    if (el) { el.textContent = text; el.dataset.state = state; }
  }
  function overall() {
    if (needLogin) return;
    var pending = Object.keys(queue).length;
    if (closed) return;
    if (pending) setStatus(navigator.onLine === false || retryTimer ? PENDING : SAVING, "pending");
    else setStatus(SAVED, "saved");
  }

  function responseOf(block) {
    var kind = block.dataset.kind, name = "q" + block.dataset.position;
    if (kind === "single" || kind === "truefalse") {
      var r = block.querySelector("input[name='" + name + "']:checked");
      return r ? r.value : null;
    }
    if (kind === "multi") {
      return Array.prototype.map.call(block.querySelectorAll("input[name='" + name + "']:checked"),
        function (i) { return i.value; });
    }
    if (kind === "matching") {
      var out = {};
      Array.prototype.forEach.call(block.querySelectorAll("select"), function (s) {
        out[s.name.slice(name.length + 1)] = s.value || null;
      });
      return out;
    }
    var field = block.querySelector("input[type=text], textarea");
    return field && field.value !== "" ? field.value : null;
  }

  function applyQueued(block, response) {
    var kind = block.dataset.kind, name = "q" + block.dataset.position;
    if (kind === "single" || kind === "truefalse" || kind === "multi") {
      var chosen = Array.isArray(response) ? response : [response];
      Array.prototype.forEach.call(block.querySelectorAll("input[name='" + name + "']"), function (i) {
        i.checked = chosen.indexOf(i.value) >= 0;
      });
    } else if (kind === "matching") {
      Array.prototype.forEach.call(block.querySelectorAll("select"), function (s) {
        s.value = (response || {})[s.name.slice(name.length + 1)] || "";
      });
    } else {
      var field = block.querySelector("input[type=text], textarea");
      if (field) field.value = response || "";
    }
  }

  function enqueue(block) {
    var position = block.dataset.position;
    queue[position] = { response: responseOf(block), t: Date.now() };
    store(queue);
    markQuestion(position, SAVING, "pending");
    flush();
  }

  function scheduleRetry() {
    if (needLogin || closed) return;
    Object.keys(queue).forEach(function (p) { markQuestion(p, PENDING, "pending"); });
    if (!retryTimer) {
      retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }
    overall();
  }

  function refreshToken() {
    return fetch(tokenUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) {
        if (res.status === 401) { showLogin(); throw new Error("login"); }
        if (!res.ok) throw new Error("token");
        return res.json();
      })
      .then(function (data) {
        token = data.csrf_token;
        Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf_token]"),
          function (i) { i.value = token; });
      });
  }

  function showLogin() {
    needLogin = true;
    if (loginEl) loginEl.hidden = false;
    Object.keys(queue).forEach(function (p) { markQuestion(p, WAITING_LOGIN, "pending"); });
    setStatus("Phiên đăng nhập hết hạn — đăng nhập lại để gửi tiếp", "login");
  }

  function post(position, item, tokenRetried) {
    return fetch(answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ position: parseInt(position, 10), response: item.response })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok && data.saved) {
          if (queue[position] && queue[position].t === item.t) { delete queue[position]; store(queue); }
          markQuestion(position, SAVED, "saved");
          return "ok";
        }
        if (res.status === 401) { showLogin(); return "stop"; }
        if (res.status === 400 && !tokenRetried) {
          return refreshToken().then(function () { return post(position, item, true); });
        }
        if (res.status === 409) {
          closed = true;
          delete queue[position]; store(queue);
          markQuestion(position, data.error || "Không lưu được: bài làm đã được nộp.", "error");
          setStatus(data.error || "Bài làm đã được nộp.", "closed");
          if (data.review_url) setTimeout(function () { window.location.assign(data.review_url); }, 2500);
          return "stop";
        }
        if (res.status === 422 || res.status === 404) {
          delete queue[position]; store(queue);
          markQuestion(position, data.error || "Câu trả lời không hợp lệ.", "error");
          return "ok";
        }
        throw new Error("server " + res.status);
      });
    });
  }

  function flush() {
    if (sending || needLogin || closed) return Promise.resolve();
    var positions = Object.keys(queue);
    if (!positions.length) { overall(); return Promise.resolve(); }
    if (navigator.onLine === false) { scheduleRetry(); return Promise.resolve(); }
    sending = true;
    overall();
    var chain = Promise.resolve("ok");
    positions.forEach(function (p) {
      chain = chain.then(function (state) {
        if (state === "stop" || !queue[p]) return state;
        return post(p, queue[p], false);
      });
    });
    return chain.then(function () {
      sending = false;
      retryDelay = 1000;
      if (Object.keys(queue).length && !needLogin && !closed) return flush();
      overall();
    }, function () {
      sending = false;
      scheduleRetry();
    });
  }

  // Answers queued on this device (offline, or before a login expired) win over what the page shows.
  Object.keys(queue).forEach(function (p) {
    var block = document.getElementById("q" + p);
    if (block && form.id === "attempt-form") applyQueued(block, queue[p].response);
    markQuestion(p, navigator.onLine === false ? PENDING : SAVING, "pending");
  });

  if (form.id === "attempt-form") {
    var timers = {};
    form.addEventListener("change", function (ev) {
      var block = ev.target.closest(".question");
      if (block) enqueue(block);
    });
    form.addEventListener("input", function (ev) {
      var block = ev.target.closest(".question");
      if (!block || ev.target.tagName === "SELECT" || ev.target.type === "radio" || ev.target.type === "checkbox") return;
      clearTimeout(timers[block.dataset.position]);
      timers[block.dataset.position] = setTimeout(function () { enqueue(block); }, 700);
    });
    form.addEventListener("submit", function (ev) {
      if (navigator.onLine !== false) {
        // The page form sends this page's answers with it (the server saves what changed on the page):
        // they leave the queue, unless they changed again since being queued.
        Array.prototype.forEach.call(form.querySelectorAll(".question"), function (block) {
          var p = block.dataset.position;
          if (queue[p] && JSON.stringify(queue[p].response) === JSON.stringify(responseOf(block))) delete queue[p];
        });
        store(queue);
        return;
      }
      ev.preventDefault();
      setStatus("Đang mất mạng — câu trả lời được giữ trên máy; chờ có mạng rồi chuyển trang hoặc nộp bài.", "pending");
    });
    startTimer();
  } else {
    form.addEventListener("submit", function (ev) {
      if (!Object.keys(queue).length) return;
      ev.preventDefault();
      setStatus("Đang gửi nốt các câu trả lời chưa lưu…", "pending");
      flush().then(function () {
        if (!Object.keys(queue).length) form.submit();
        else setStatus("Còn câu trả lời chưa gửi được — hãy chờ có mạng rồi nộp bài.", "pending");
      });
    });
  }

  function startTimer() {
    var el = document.getElementById("quiz-timer");
    if (!el || !el.dataset.deadline) return;
    var deadline = Date.parse(el.dataset.deadline), offset = Date.parse(el.dataset.now) - Date.now();
    var expired = false;
    function tick() {
      var left = Math.max(0, deadline - (Date.now() + offset));
      var m = Math.floor(left / 60000), s = Math.floor((left % 60000) / 1000);
      el.textContent = "Còn lại " + m + ":" + (s < 10 ? "0" : "") + s;
      el.dataset.state = left < 60000 ? "low" : "";
      if (left <= 0 && !expired) {
        expired = true;
        el.textContent = "Hết giờ — đang nộp bài…";
        flush().then(function () {
          var expire = document.getElementById("expire-form");
          if (expire && !Object.keys(queue).length) expire.submit();
        });
        return;
      }
      if (!expired) setTimeout(tick, 1000);
    }
    tick();
  }

  window.addEventListener("online", function () { retryDelay = 1000; clearTimeout(retryTimer); retryTimer = null; flush(); });
  window.addEventListener("offline", function () { overall(); });
  if (Object.keys(queue).length) flush();
})();
