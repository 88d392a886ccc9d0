// Asks before a destructive form is sent (forms marked data-confirm="question"); without JavaScript the
// form is sent as it is.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
