/* The review queue: "Chọn tất cả", a header checkbox that ticks every report the page
   lets the official approve. Progressive enhancement: the page works without it (each
   report has its own box), so the header box stays hidden until this script shows it. */
(function () {
  "use strict";

  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    if (!form) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=report]"));
    if (!boxes.length) return;

    function reflect() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      all.indeterminate = false;
    });
    boxes.forEach(function (box) { box.addEventListener("change", reflect); });
    reflect();  // the browser may have kept ticks from before a reload
    all.hidden = false;
  });
})();
