// Progressive enhancement only: every page works without this file.
// Back (or Forward) can show a page from the browser's memory with what was typed into its
// form since; a date typed there would then be searched again silently. Put the form back
// to what the page's address says.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form.search-form").forEach(function (form) { form.reset(); });
});
