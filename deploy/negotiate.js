// The language of "/" from Accept-Language, as webapp/i18n.py's negotiate() chooses it: the browser's
// preferences by quality (ties in the order sent), each looked up by dropping subtags from the end until an
// offered tag or an alias of one matches (RFC 4647 lookup); English when nothing matches.
// OFFERED is written in by deploy/render_nginx.py: { "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", ... }.
var OFFERED = __OFFERED__;

function preferences(header) {
    var ranges = [];
    (header || "").split(",").forEach(function (part, index) {
        var fields = part.trim().split(";");
        var tag = fields[0].trim().toLowerCase();
        var quality = 1;
        fields.slice(1).forEach(function (parameter) {
            var pair = parameter.trim().split("=");
            if (pair[0].trim() === "q") {
                quality = parseFloat(pair[1]);
            }
        });
        if (tag && !isNaN(quality) && quality > 0) {
            ranges.push({ tag: tag, quality: quality, index: index });
        }
    });
    ranges.sort(function (a, b) {
        var wildcard = (a.tag === "*") - (b.tag === "*");
        return wildcard || b.quality - a.quality || a.index - b.index;
    });
    return ranges;
}

function language(r) {
    var ranges = preferences(r.headersIn["Accept-Language"]);
    for (var i = 0; i < ranges.length; i++) {
        var parts = ranges[i].tag.split("-");
        while (parts.length) {
            var candidate = parts.join("-");
            if (Object.prototype.hasOwnProperty.call(OFFERED, candidate)) {
                return OFFERED[candidate];
            }
            parts.pop();
        }
    }
    return "en";
}

export default { language };
