// Attendance on a phone: each member is a form (works without JS); with JS a tap posts JSON and updates in place.
(function () {
  "use strict";
  var list = document.getElementById("attendance");
  if (!list || !window.fetch) return;
  var counter = document.getElementById("present-count");
  var errorBox = document.getElementById("attendance-error");

  function show(button, present) {
    button.classList.toggle("present", present);
    button.setAttribute("aria-pressed", present ? "true" : "false");
    button.querySelector(".mark-state").textContent = present ? "Có mặt" : "Vắng";
    button.form.elements.present.value = present ? "0" : "1";
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("mark-form")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button.disabled) return;
    var present = form.elements.present.value === "1";
    button.disabled = true;
    show(button, present); // optimistic; reverted if the server refuses
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.elements.csrf_token.value
      },
      body: JSON.stringify({ present: present })
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        show(button, data.present);
        if (counter) counter.textContent = data.present_count;
        errorBox.hidden = true;
      })
      .catch(function () {
        show(button, !present);
        errorBox.textContent = "Chưa lưu được điểm danh (mất kết nối hoặc phiên đã hết hạn). Hãy thử lại hoặc tải lại trang.";
        errorBox.hidden = false;
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
