// A box that scrolls sideways (a wide equation or table on a phone) must take keyboard focus,
// so that a keyboard can scroll it too. The build makes every such box focusable; here the
// ones that fit are taken out of the tab order (and put back if the window narrows). Each box
// is measured as it comes near the screen, not all at once on load.
(() => {
  const update = (box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  };
  const near = new Set();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        near.add(entry.target);
        update(entry.target);
      } else {
        near.delete(entry.target);
      }
    }
  }, { rootMargin: "100% 0px" });
  for (const box of document.querySelectorAll("[data-scroll-focus]")) observer.observe(box);
  // Widths change with the window, and once KaTeX's fonts arrive.
  const again = () => near.forEach(update);
  document.fonts.ready.then(again);
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(again);
  });
})();
