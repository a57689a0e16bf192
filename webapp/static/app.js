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
// File pickers: show the chosen file's name; refuse, in place, a file too large or of a type not accepted.
(function () {
  "use strict";
  function mb(bytes) { return (bytes / 1048576).toFixed(1).replace(".", ","); }
  document.querySelectorAll(".file-picker").forEach(function (picker) {
    var input = picker.querySelector("input[type=file]");
    var name = picker.querySelector(".file-name");
    var error = picker.parentNode.querySelector(".file-error");
    var empty = name.textContent;
    var max = parseInt(picker.getAttribute("data-max-bytes"), 10);
    var types = picker.getAttribute("data-types").split(",");
    input.addEventListener("change", function () {
      var file = input.files[0];
      var problem = "";
      if (file && file.size > max) {
        problem = "Tệp “" + file.name + "” nặng " + mb(file.size) + " MB, vượt giới hạn " +
          picker.getAttribute("data-max-mb") + " MB. Vui lòng chọn tệp nhỏ hơn (ví dụ: quét với độ phân giải thấp hơn).";
      } else if (file && types.indexOf(file.name.split(".").pop().toLowerCase()) < 0) {
        problem = "Tệp “" + file.name + "” không thuộc loại được chấp nhận (" + types.join(", ") + ").";
      }
      if (problem) input.value = "";
      error.textContent = problem;
      error.hidden = !problem;
      name.textContent = input.files[0] ? input.files[0].name + " (" + mb(input.files[0].size) + " MB)" : empty;
    });
  });
})();
// "Quay lại" on an error page reached without a referrer: the browser's own back.
document.querySelectorAll("[data-history-back]").forEach(function (link) {
  link.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
});
