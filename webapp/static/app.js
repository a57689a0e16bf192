// thidua: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // "Select all" boxes for bulk actions: <input type=checkbox data-select-all="name">
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });
  // Nominee type: show the person or the department picker that applies.
  var radios = document.querySelectorAll('input[name="nominee_type"]');
  function toggleNominee() {
    var checked = document.querySelector('input[name="nominee_type"]:checked');
    if (!checked) return;
    document.querySelectorAll("[data-nominee]").forEach(function (el) {
      el.hidden = el.getAttribute("data-nominee") !== checked.value;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", toggleNominee); });
  toggleNominee();
})();
