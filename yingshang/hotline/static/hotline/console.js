// Operator console: keyboard-first entry, accept a dispatch suggestion, cite a knowledge article.
(function () {
  const form = document.getElementById("console-form");
  if (!form) { return; }
  const unit = document.getElementById("id_main_unit");
  const suggested = document.getElementById("id_suggested_unit");
  document.addEventListener("click", function (event) {
    const s = event.target.closest(".js-suggest");
    if (s && unit) {
      unit.value = s.dataset.unitId;
      if (suggested) { suggested.value = s.dataset.unitId; }
      unit.focus();
      return;
    }
    const c = event.target.closest(".js-cite");
    if (c) {
      const reply = document.getElementById("id_reply");
      const art = document.getElementById("id_article_id");
      if (reply && !reply.value) { reply.value = c.dataset.answer; }
      if (art) { art.value = c.dataset.articleId; }
      if (reply) { reply.focus(); }
    }
  });
  // remember the top suggestion shown (the dispatch audit records it, so the acceptance rate of
  // suggestions can be measured whether or not the operator clicked it)
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "suggest" || !suggested) { return; }
    const top = event.target.querySelector(".js-suggest");
    suggested.value = top ? top.dataset.unitId : "";
  });
  // Ctrl+Enter (or Cmd+Enter) in a textarea submits with the default action (登记并派单)
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.querySelector("button[name=mode][value=dispatch]").click();
    }
  });
})();
