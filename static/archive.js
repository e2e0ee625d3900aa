// Focus after htmx swaps, for keyboard and screen-reader users: typing keeps the caret in the
// search box (nothing there is swapped); a facet or filter link that was replaced hands focus
// to the results heading; "load more" hands it to the first new result.
// A history restore (Back, Forward) swaps the whole page: its events have no target element.
function swapTarget(event) {
  var target = event.detail && event.detail.target;
  return target && target.dataset ? target : null;
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = swapTarget(event);
  if (!target) return;
  var from = event.detail.requestConfig && event.detail.requestConfig.elt;
  var replacedLink = from && from.tagName === "A" && !from.closest(".more");
  target.dataset.swapFrom = replacedLink ? "link" : "";
});
document.addEventListener("htmx:afterSettle", function (event) {
  var target = swapTarget(event);
  if (target && target.dataset.swapFrom === "link") {
    var heading = document.querySelector("#results h2, #timeline h2");
    if (heading) heading.focus();
  }
});
document.addEventListener("htmx:beforeRequest", function (event) {
  var more = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".more");
  if (more) {
    var list = more.parentElement;
    list.dataset.before = String(list.querySelectorAll("li.hit").length);
  }
});
document.addEventListener("htmx:afterSwap", function (event) {
  var list = document.getElementById("hit-list");
  if (!list || list.dataset.before === undefined) return;
  var hits = list.querySelectorAll("li.hit");
  var first = hits[Number(list.dataset.before)];
  delete list.dataset.before;
  if (first) {
    var link = first.querySelector("a");
    if (link) link.focus();
  }
});
