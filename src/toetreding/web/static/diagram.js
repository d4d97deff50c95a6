// The protocol diagram scrolls sideways on a narrow screen: open it with the case's
// current step in the middle of what is shown (only the diagram scrolls, not the page).
(function () {
  "use strict";
  var current = document.querySelector('.diagram-scroll [aria-current="step"]');
  if (!current) { return; }
  var box = current.closest(".diagram-scroll");
  var step = current.getBoundingClientRect();
  var shown = box.getBoundingClientRect();
  box.scrollLeft += (step.left + step.width / 2) - (shown.left + shown.width / 2);
})();
