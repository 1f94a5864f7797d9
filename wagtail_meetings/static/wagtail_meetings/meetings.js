// Progressive enhancement only: after a failed submit, move the focus to the
// error summary so that keyboard and screen-reader users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-meetings-error-summary]");
    if (summary) {
        summary.focus();
    }
});
