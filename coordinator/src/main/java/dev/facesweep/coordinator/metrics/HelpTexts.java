package dev.facesweep.coordinator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Help texts for framework meters registered without one (Spring's {@code http.server.requests}), so that every
 * family of a scrape has {@code # HELP} and {@code promtool check metrics} finds nothing to lint.
 */
public final class HelpTexts {

    private static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    private HelpTexts() {
    }

    /** Describes {@code http.server.requests} and {@code http.server.requests.active} when they have no text. */
    public static MeterFilter httpServerRequests() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null || !id.getName().startsWith(HTTP_SERVER_REQUESTS)) {
                    return id;
                }
                String text = id.getName().equals(HTTP_SERVER_REQUESTS) ? "HTTP requests served, by URI and status"
                        : "HTTP requests in progress";
                return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), text, id.getType());
            }
        };
    }
}
