// Members' ballot: drag-and-drop reordering of "Your ranking", as an enhancement only.
// Without this script every change is made with the buttons beside each entry. Dropping an
// entry records nothing: it sends the new order back to the ballot page ("change"), exactly as
// the buttons do, and the vote is cast only from the summary page.
(function () {
  "use strict";
  function enhance(list) {
    var form = list.closest("form");
    var order = form && form.querySelector("input[name=order]");
    if (!order) { return; }
    var dragged = null;
    list.querySelectorAll("li[data-key]").forEach(function (item) {
      item.draggable = true;
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.key);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
        dragged = null;
      });
      item.addEventListener("dragover", function (event) {
        if (dragged && dragged !== item) { event.preventDefault(); }
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) { return; }
        var box = item.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
        submit(form, order, list);
      });
    });
  }
  function submit(form, order, list) {
    var keys = Array.prototype.map.call(list.querySelectorAll("li[data-key]"), function (li) {
      return li.dataset.key;
    });
    order.value = keys.join(",");
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "change";
    form.appendChild(action);
    form.submit();
  }
  document.querySelectorAll("ol.ranking").forEach(enhance);
})();
