// Lesson page: mark the lesson done when the learner reaches its end (the button works without this).
(function () {
  "use strict";
  var box = document.getElementById("lesson-progress");
  var end = document.getElementById("lesson-end");
  if (!box || !end || !box.dataset.doneUrl || !window.fetch) return;
  var form = document.getElementById("done-form");
  var tokenInput = form && form.querySelector("input[name=csrf_token]");
  var sent = false;

  function setBar(container, percent) {
    if (!container) return;
    var bar = container.querySelector("progress");
    var num = container.querySelector(".bar-num");
    if (bar) bar.value = percent;
    if (num) num.textContent = percent + "%";
  }

  function show(data) {
    if (form) form.hidden = true;
    var note = box.querySelector(".done-note");
    if (note) note.hidden = false;
    var count = document.getElementById("course-count");
    if (count) count.textContent = data.done_lessons + "/" + data.total_lessons;
    setBar(document.getElementById("course-bar"), data.percent);
    Object.keys(data.modules || {}).forEach(function (id) {
      setBar(document.querySelector('[data-module="' + id + '"]'), data.modules[id]);
    });
  }

  function markDone() {
    if (sent) return;
    sent = true;
    fetch(box.dataset.doneUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", Accept: "application/json" },
    })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(show)
      .catch(function () { sent = false; });
  }

  if ("IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) markDone(); });
    });
    // Wait a moment so that a short lesson opened on a tall screen is not marked done unread.
    setTimeout(function () { seen.observe(end); }, 1500);
  }
})();
