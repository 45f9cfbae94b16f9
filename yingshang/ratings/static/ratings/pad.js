// The window pad: full-screen kiosk mode on request, no context menu, no text selection.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-pad-fullscreen]") && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(function () {});
  }
});
document.addEventListener("contextmenu", function (event) {
  if (event.target.closest(".kiosk")) { event.preventDefault(); }
});
