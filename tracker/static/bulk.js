// The item list: "choose every item on this page" for the supervisors' bulk changes.
// Without JavaScript the box stays hidden and items are ticked one by one.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("choose-all");
  if (!all) return;
  var boxes = document.querySelectorAll('input.choose[name="items"]');
  all.hidden = false;
  document.getElementById("choose-all-label").hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
});
