package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.metrics.MetricsServer;
import dev.facesweep.coordinator.store.ScanInfo;
import dev.facesweep.coordinator.store.ScanStore;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What {@code facesweep scan --metrics-port} serves while the scan runs: {@code /metrics} with the scan's gauges
 * ({@link ScanGauges}, refreshed every {@link #REFRESH}), its counters and the fleet from heartbeats
 * ({@link ScanMetrics}), and a few JVM meters. Bound before the scan opens, so a port problem stops nothing half-way.
 */
final class ScanMetricsEndpoint implements AutoCloseable {

    /** The default port (the OpenTelemetry Prometheus exporter's; nothing else of facesweep uses it). */
    static final int DEFAULT_PORT = 9464;
    static final Duration REFRESH = Duration.ofSeconds(2);
    static final Duration FLAGGED_EVERY = Duration.ofSeconds(15);

    /**
     * The {@code --metrics-port} option.
     *
     * @param port 0 for any free port, -1 for none
     * @param explicit given on the command line (a busy port is then an error, not a note)
     */
    record Option(int port, boolean explicit, String bind) {

        static Option parse(String value, boolean explicit, String bind) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.equals("off") || v.equals("none")) {
                return new Option(-1, explicit, bind);
            }
            try {
                int port = Integer.parseInt(v);
                if (port >= 0 && port <= 65535) {
                    return new Option(port, explicit, bind);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageError("--metrics-port must be a port number (0 picks a free one) or off, not '" + value
                    + "'");
        }
    }

    private final PrometheusMeterRegistry registry;
    private final MetricsServer server;
    private ScanGauges gauges;

    private ScanMetricsEndpoint(PrometheusMeterRegistry registry, MetricsServer server) {
        this.registry = registry;
        this.server = server;
    }

    /**
     * Starts serving (nothing with {@code --metrics-port off}); {@code note} gets the URL to scrape, or why there is
     * none.
     *
     * @throws UsageError when an explicitly given port or address cannot be bound
     */
    static ScanMetricsEndpoint open(Option option, Consumer<String> note) {
        if (option.port() < 0) {
            return new ScanMetricsEndpoint(null, null);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        try {
            MetricsServer server = MetricsServer.start(option.bind(), option.port(), registry);
            note.accept("metrics for Prometheus at " + server.url());
            return new ScanMetricsEndpoint(registry, server);
        } catch (IOException | RuntimeException e) {
            registry.close();
            String where = option.bind() + ":" + option.port();
            String why = e instanceof BindException ? "it is in use or not an address of this machine"
                    : e.getMessage();
            if (option.explicit()) {
                throw new UsageError("--metrics-port: cannot listen on " + where + " (" + why + "); pick a free port,"
                        + " 0 for any, or off", e);
            }
            note.accept("no /metrics for this scan: cannot listen on " + where + " (" + why + "); pass"
                    + " --metrics-port with a free port, 0 for any, or off");
            return new ScanMetricsEndpoint(null, null);
        }
    }

    /** The port served, or -1 when none. */
    int port() {
        return server == null ? -1 : server.port();
    }

    /** Registers the scan's meters and returns the monitor the scan loop reports to. */
    ScanMonitor attach(ScanStore store, ScanInfo scan, Clock clock, ScanMonitor console) {
        if (registry == null) {
            return console;
        }
        ScanMonitor monitor = new ScanMetrics(registry, scan.id(), console);
        gauges = new ScanGauges(registry, store, clock, ScanGauges.only(scan.id()), FLAGGED_EVERY).start(REFRESH);
        return monitor;
    }

    /** The scan ended: the gauges show its final state (the store is still open). */
    void finish() {
        if (gauges != null) {
            gauges.close();
            gauges.refresh(true);
        }
    }

    @Override
    public void close() {
        if (gauges != null) {
            gauges.close();
        }
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
