// Progressive enhancement only: after a failed submit, move the focus to the
// error summary so that keyboard and screen-reader users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-meetings-error-summary]");
    if (summary) {
        summary.focus();
    }
});

// Progressive enhancement: suggest towns while a member types one. The server
// matches whatever is typed, so the field works just as well without this.
document.addEventListener("DOMContentLoaded", function () {
    var fields = document.querySelectorAll("input[data-meetings-towns]");
    Array.prototype.forEach.call(fields, function (input) {
        var list = document.createElement("datalist");
        var timer = null;
        var lastQuery = "";
        list.id = input.id + "-suggestions";
        input.insertAdjacentElement("afterend", list);
        input.setAttribute("list", list.id);
        input.addEventListener("input", function () {
            var query = input.value.trim();
            window.clearTimeout(timer);
            if (query.length < 2 || query === lastQuery) {
                return;
            }
            timer = window.setTimeout(function () {
                lastQuery = query;
                var url = input.getAttribute("data-meetings-towns") + "?q=" + encodeURIComponent(query);
                fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
                    .then(function (response) { return response.ok ? response.json() : { towns: [] }; })
                    .then(function (data) {
                        list.replaceChildren.apply(list, data.towns.map(function (town) {
                            var option = document.createElement("option");
                            option.value = town;
                            return option;
                        }));
                    })
                    .catch(function () { /* suggestions are optional */ });
            }, 200);
        });
    });
});
