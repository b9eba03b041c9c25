package dev.facesweep.worker.app;

import dev.facesweep.model.BundleException;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code facesweep worker --broker AMQP_URL [--model DIR] [--provider cpu|dml|cuda] [--path-map FROM=TO]...
 * [--allow-root DIR]...}: maps exactly these options onto Spring properties and runs {@link WorkerApplication}
 * until stopped. {@code --help} prints the usage (exit 0); a usage or configuration error prints one line and
 * exits 2.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    /** Exit code for usage and configuration errors. */
    public static final int USAGE = 2;
    /** Returned by {@link #launch} while the worker runs. */
    static final int RUNNING = -1;

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "Usage: facesweep worker --broker AMQP_URL [--model DIR|NAME] [--provider cpu|dml|cuda]",
            "                        [--path-map FROM=TO]... [--allow-root DIR]... [--port PORT]",
            "",
            "Runs a scoring worker until stopped; Ctrl-C or SIGTERM lets the batch in progress finish.",
            "",
            "  --broker AMQP_URL   RabbitMQ, amqp://HOST:5672 or amqps://HOST:5671 (TLS). Credentials in the URL",
            "                      or in FACESWEEP_AMQP_USERNAME / FACESWEEP_AMQP_PASSWORD.",
            "  --model DIR|NAME    model bundle folder or pulled model (default: FACESWEEP_MODEL, else the only",
            "                      model pulled with 'facesweep model pull').",
            "  --provider NAME     cpu (default), dml (DirectML on Windows; the worker-dml build) or cuda (a",
            "                      build made with -Pgpu; docs/tuning.md).",
            "  --path-map FROM=TO  rewrite a path prefix from the coordinator's view to this machine's,",
            "                      e.g. /mnt/e/=E:\\ (repeatable; longest prefix wins).",
            "  --allow-root DIR    read images only under DIR (repeatable). Default: the --path-map targets;",
            "                      with neither, the worker scores only images sent inline.",
            "  --port PORT         HTTP port of /actuator/health and /actuator/prometheus (default 8081, or",
            "                      SERVER_PORT; 0 picks a free one). The port is logged at start-up.",
            "  --help              print this help.",
            "",
            "Everything else is a property (environment variable in brackets); see docs/worker.md:",
            "  server.port (SERVER_PORT, default 8081), facesweep.amqp.prefetch (FACESWEEP_AMQP_PREFETCH, 2),",
            "  facesweep.worker.batch-size, .intra-op-threads, .decode-threads (default per provider,",
            "  docs/tuning.md), .device, .id, .batch-timeout (10m; a batch stuck longer makes the worker exit",
            "  with code 70 for its service to restart it), facesweep.worker.dml.fallback and .cuda.fallback",
            "  (fail|cpu).");

    private static final Set<String> PROVIDERS = Set.of("cpu", "dml", "cuda");

    private WorkerMain() {
    }

    public static void main(String[] args) {
        int code = launch(args, System.out, System.err);
        if (code != RUNNING) {
            System.exit(code);
        }
    }

    /** Parses, then starts the worker; returns an exit code, or {@link #RUNNING} when the worker is up. */
    static int launch(String[] args, PrintStream out, PrintStream err) {
        Map<String, Object> properties;
        try {
            properties = parse(args);
        } catch (UsageException e) {
            err.println("facesweep worker: " + e.getMessage());
            return USAGE;
        }
        if (properties == null) {
            out.println(USAGE_TEXT);
            return 0;
        }
        try {
            start(properties);
            return RUNNING;
        } catch (RuntimeException e) {
            err.println("facesweep worker: " + reason(e));
            log.debug("start-up failed", e);
            return USAGE;
        }
    }

    /**
     * Runs the worker application with {@code properties} on top of every other property source (what the
     * command line does; tests and embedders pass any {@code facesweep.*} or Spring property this way).
     */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        SpringApplication app = new SpringApplication(WorkerApplication.class);
        app.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("facesweep-worker-command-line", properties)));
        return app.run();
    }

    /** The options as Spring properties, or null for {@code --help}. */
    static Map<String, Object> parse(String[] args) throws UsageException {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> maps = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--broker", "--model", "--provider", "--path-map", "--allow-root", "--port" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new UsageException("option " + name + " needs a value; see --help");
                        }
                        value = args[++i];
                    }
                    if (value.isBlank()) {
                        throw new UsageException("option " + name + " needs a non-empty value; see --help");
                    }
                    switch (name) {
                        case "--broker" -> props.put("facesweep.amqp.url", once(props, "facesweep.amqp.url", name,
                                value));
                        case "--model" -> props.put("facesweep.worker.model", once(props, "facesweep.worker.model",
                                name, value));
                        case "--provider" -> {
                            String p = value.strip().toLowerCase(java.util.Locale.ROOT);
                            if (!PROVIDERS.contains(p)) {
                                throw new UsageException("--provider must be cpu, dml or cuda, not '" + value + "'");
                            }
                            props.put("facesweep.worker.provider", once(props, "facesweep.worker.provider", name, p));
                        }
                        case "--port" -> props.put("server.port", once(props, "server.port", name, port(value)));
                        case "--path-map" -> {
                            if (value.indexOf('=') <= 0 || value.endsWith("=")) {
                                throw new UsageException("--path-map '" + value + "' must be FROM=TO, e.g. "
                                        + "/mnt/e/=E:\\");
                            }
                            maps.add(value);
                        }
                        default -> roots.add(value);
                    }
                }
                default -> throw new UsageException(arg.startsWith("-") ? "unknown option " + name + "; see --help"
                        : "unexpected argument '" + arg + "'; see --help");
            }
        }
        for (int i = 0; i < maps.size(); i++) {
            props.put("facesweep.worker.path-maps[" + i + "]", maps.get(i));
        }
        for (int i = 0; i < roots.size(); i++) {
            props.put("facesweep.worker.allowed-roots[" + i + "]", roots.get(i));
        }
        return props;
    }

    private static String port(String value) throws UsageException {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return Integer.toString(port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--port must be a port number from 0 to 65535 (0 picks a free one), not '" + value
                + "'");
    }

    private static String once(Map<String, Object> props, String key, String option, String value)
            throws UsageException {
        if (props.containsKey(key)) {
            throw new UsageException("option " + option + " given twice");
        }
        return value;
    }

    /** One line saying why the worker could not start. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException || t instanceof ProviderUnavailableException
                    || t instanceof BundleException) {
                return oneLine(t.getMessage());
            }
            if (t instanceof BindException bind) {
                String property = bind.getProperty() != null ? bind.getProperty().getName().toString()
                        : bind.getName().toString();
                Object value = bind.getProperty() != null ? bind.getProperty().getValue() : null;
                return property + ": " + (value == null ? "" : "'" + value + "' is not usable: ")
                        + oneLine(rootCause(bind).getMessage());
            }
            if (t.getClass().getSimpleName().equals("PortInUseException")) {
                return oneLine(t.getMessage()) + "; set server.port (SERVER_PORT) to a free port, or 0 for any";
            }
        }
        Throwable root = rootCause(failure);
        return oneLine(root.getMessage() == null ? root.toString() : root.getMessage());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** A command-line mistake; the message is one line. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
