package dev.facesweep.coordinator.review;

import dev.facesweep.coordinator.plan.Thresholds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link ContactSheet} as one self-contained HTML page (inline CSS and script, no network) that links the
 * thumbnails in {@code thumbs/} beside it. Every name that comes from the corpus is escaped.
 */
final class ReportWriter {

    private static final String CSS_RESOURCE = "/static/review.css";

    /** What the page shows for an image's preview: a thumbnail file name in {@code thumbs/}, or why there is none. */
    interface Previews {
        /** The file name inside {@code thumbs/}, or null when there is no thumbnail. */
        String thumbnail(ContactSheet.Image image);

        /** Why there is no thumbnail (shown in its place), or null. */
        String problem(ContactSheet.Image image);
    }

    private ReportWriter() {
    }

    static String html(ContactSheet sheet, Previews previews, int thumbnailSize) {
        StringBuilder h = new StringBuilder(64 * 1024);
        ContactSheet.ScanHeader scan = sheet.scan();
        String title = sheet.planId() != null ? "plan " + sheet.planId() : "scan " + scan.id();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>facesweep contact sheet: ").append(esc(title)).append("</title>\n<style>\n")
                .append(css()).append("</style>\n</head>\n<body data-page=\"report\">\n");
        header(h, sheet);
        h.append("<main id=\"facesets\">\n");
        for (ContactSheet.Faceset f : sheet.facesets()) {
            faceset(h, f, sheet.thresholds(), previews, thumbnailSize);
        }
        h.append("</main>\n");
        h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, ContactSheet sheet) {
        ContactSheet.ScanHeader scan = sheet.scan();
        h.append("<header class=\"top\">\n<h1>facesweep contact sheet</h1>\n<p class=\"meta\">");
        if (sheet.planId() != null) {
            h.append("plan <code id=\"plan-id\">").append(esc(sheet.planId())).append("</code> · ");
        } else {
            h.append("plan preview (not saved) · ");
        }
        h.append("scan <code id=\"scan-id\">").append(esc(scan.id())).append("</code> (").append(esc(scan.state()))
                .append(") · root <code>").append(esc(scan.root())).append("</code> · model <code>")
                .append(esc(scan.modelId())).append("</code></p>\n");
        h.append("<div class=\"summary\" id=\"summary\">");
        for (String action : new String[] {"keep", "prune", "quarantine_masked", "quarantine_thin"}) {
            int n = sheet.counts().getOrDefault(action, 0);
            h.append("<span class=\"count\" data-count=\"").append(action).append("\">")
                    .append("<span class=\"badge action-").append(action).append("\">").append(action)
                    .append("</span> <span class=\"n\">").append(n).append("</span></span>");
        }
        Map<String, Integer> t = sheet.totals();
        h.append("<span class=\"totals\">").append(t.getOrDefault("images", 0)).append(" images: <span data-total=")
                .append("\"flagged\">").append(t.getOrDefault("flagged", 0)).append("</span> flagged, <span ")
                .append("data-total=\"near\">").append(t.getOrDefault("near", 0)).append("</span> near threshold, ")
                .append("<span data-total=\"unreadable\">").append(t.getOrDefault("unreadable", 0))
                .append("</span> unreadable, <span data-total=\"drop\">").append(t.getOrDefault("drop", 0))
                .append("</span> to drop, <span data-total=\"moved\">").append(t.getOrDefault("moved", 0))
                .append("</span> in quarantined face sets</span></div>\n");
        h.append("<p class=\"meta\" id=\"thresholds\">").append(esc(describe(sheet.thresholds()))).append("</p>\n");
        if (!sheet.warnings().isEmpty()) {
            h.append("<ul class=\"warnings\">");
            sheet.warnings().forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<div class=\"controls\"><span class=\"filters\">")
                .append("<button type=\"button\" data-filter=\"all\" aria-pressed=\"true\">all images</button> ")
                .append("<button type=\"button\" data-filter=\"attention\" aria-pressed=\"false\">only flagged,")
                .append(" near and unreadable</button></span>")
                .append("<span class=\"legend\">borders: <span class=\"badge state-flagged\">flagged</span>")
                .append("<span class=\"badge state-near\">near</span><span class=\"badge state-unreadable\">")
                .append("unreadable</span><span class=\"badge state-pending\">pending</span></span></div>\n")
                .append("</header>\n");
    }

    static String describe(Thresholds t) {
        StringBuilder s = new StringBuilder("thresholds: image p >= ").append(num(t.image()));
        new TreeMap<>(t.attributes()).forEach((name, p) -> s.append(", ").append(name).append(" >= ").append(num(p)));
        s.append("; face set quarantined (masked) at flagged fraction >= ").append(num(t.facesetFraction()))
                .append("; thin when fewer than ").append(t.minSurvivors()).append(" survive; near band ±")
                .append(num(t.nearBand()));
        return s.toString();
    }

    private static void faceset(StringBuilder h, ContactSheet.Faceset f, Thresholds thresholds, Previews previews,
            int size) {
        h.append("<section class=\"faceset\" data-faceset=\"").append(esc(f.name())).append("\" data-action=\"")
                .append(esc(f.action())).append("\" data-forced-keep=\"").append(f.forcedKeep()).append("\">\n<h2>")
                .append("<span class=\"fs-name\">").append(esc(f.name())).append("</span> <span class=\"badge action-")
                .append(esc(f.action())).append("\" data-role=\"action\">").append(esc(f.action())).append("</span>");
        if (f.forcedKeep()) {
            h.append(" <span class=\"badge force\" data-role=\"forced-keep\">forced keep</span>");
        }
        h.append(" <span class=\"fs-facts\">");
        if (f.driver() != null) {
            h.append("driver <b data-role=\"driver\">").append(esc(f.driver())).append("</b> · ");
        }
        h.append("flagged <span data-role=\"fraction\">").append(f.flagged()).append('/').append(f.counted())
                .append(" (").append(percent(f.flaggedFraction())).append(")</span> · ").append(f.images().size())
                .append(" images</span></h2>\n");
        boolean anyUnreadable = f.images().stream().anyMatch(i -> i.status().equals("unreadable"));
        if (anyUnreadable) {
            h.append("<ul class=\"unreadable-list\">");
            for (ContactSheet.Image i : f.images()) {
                if (i.status().equals("unreadable")) {
                    h.append("<li data-unreadable=\"").append(esc(i.path())).append("\"><code>").append(esc(i.path()))
                            .append("</code>: <span class=\"error\">").append(esc(i.error())).append("</span></li>");
                }
            }
            h.append("</ul>\n");
        }
        h.append("<div class=\"grid\">\n");
        for (ContactSheet.Image i : f.images()) {
            image(h, i, thresholds, previews, size);
        }
        h.append("</div>\n</section>\n");
    }

    private static void image(StringBuilder h, ContactSheet.Image i, Thresholds thresholds, Previews previews,
            int size) {
        h.append("<figure class=\"image\" data-path=\"").append(esc(i.path())).append("\" data-state=\"")
                .append(esc(i.status())).append("\" data-near=\"").append(i.near()).append("\" data-outcome=\"")
                .append(esc(i.outcome())).append('"');
        if (i.force() != null) {
            h.append(" data-force=\"").append(esc(i.force())).append('"');
        }
        h.append(">\n");
        String thumb = previews.thumbnail(i);
        if (thumb != null) {
            h.append("<img src=\"thumbs/").append(esc(thumb)).append("\" alt=\"").append(esc(i.name()))
                    .append("\" width=\"").append(size).append("\" height=\"").append(size)
                    .append("\" loading=\"lazy\">");
        } else {
            String problem = previews.problem(i);
            h.append("<div class=\"no-thumb\">").append(esc(problem != null ? problem : "no preview"))
                    .append("</div>");
        }
        h.append("\n<figcaption><span class=\"file\" title=\"").append(esc(i.path())).append("\">")
                .append(esc(i.name())).append("</span><span class=\"badges\">");
        h.append("<span class=\"badge state-").append(esc(i.status())).append("\" data-role=\"state\">")
                .append(esc(i.status())).append("</span>");
        if (i.near() && !i.status().equals("near")) {
            h.append("<span class=\"badge near\" data-role=\"near\">near</span>");
        }
        if (i.force() != null) {
            h.append("<span class=\"badge force\" data-role=\"force\">forced ").append(esc(i.force()))
                    .append("</span>");
        }
        if (!i.outcome().equals("keep")) {
            h.append("<span class=\"badge outcome-").append(esc(i.outcome())).append("\" data-role=\"outcome\">")
                    .append(i.outcome().equals("drop") ? "will be dropped" : "moves with face set").append("</span>");
        }
        h.append("</span>");
        if (!i.scores().isEmpty()) {
            h.append("<table class=\"scores\">");
            i.scores().forEach((attribute, p) -> {
                String cls = i.flaggedBy().contains(attribute) ? "over" : i.nearBy().contains(attribute) ? "close" : "";
                h.append("<tr");
                if (!cls.isEmpty()) {
                    h.append(" class=\"").append(cls).append('"');
                }
                h.append(" data-attribute=\"").append(esc(attribute)).append("\"><th>").append(esc(attribute))
                        .append("</th><td title=\"threshold ").append(num(thresholds.thresholdFor(attribute)))
                        .append("\">").append(score(p)).append("</td></tr>");
            });
            h.append("</table>");
        }
        if (i.error() != null) {
            h.append("<p class=\"error\">").append(esc(i.error())).append("</p>");
        }
        h.append("</figcaption>\n</figure>\n");
    }

    static String score(double p) {
        return String.format(Locale.ROOT, "%.3f", p);
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    private static String esc(String s) {
        return Html.escape(s);
    }

    private static String css() {
        try (InputStream in = ReportWriter.class.getResourceAsStream(CSS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CSS_RESOURCE + " is missing from the classpath: rebuild facesweep");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</", "<\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeIndex(Path outDir, String html) throws IOException {
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("index.html"), html, StandardCharsets.UTF_8);
    }

    /** Filter buttons only: the report works without it. */
    private static final String SCRIPT = """
            (function () {
              var buttons = document.querySelectorAll('[data-filter]');
              buttons.forEach(function (b) {
                b.addEventListener('click', function () {
                  document.body.classList.toggle('only-attention', b.dataset.filter === 'attention');
                  buttons.forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
                });
              });
            })();
            """;
}
