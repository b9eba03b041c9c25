package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.cli.UsageError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * A running {@code facesweep serve}: the Spring application started with the given properties (the command line's
 * options, or a test's). Closing it stops the web server and closes the store.
 */
public final class ReviewServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final CountDownLatch closed = new CountDownLatch(1);

    private ReviewServer(ConfigurableApplicationContext context) {
        this.context = context;
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
    }

    /** The defaults every serve run starts from; the given properties win. */
    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("server.address", "127.0.0.1");
        d.put("server.port", 8080);
        d.put("management.endpoints.web.exposure.include", "health,prometheus");
        d.put("management.endpoint.health.probes.enabled", true);
        // meters whose names fail `promtool check metrics` (abbreviated units, a gauge named *_count) or that have no
        // help text and no use here; docs/metrics.md
        d.put("management.metrics.enable.jvm.compilation", false);
        d.put("management.metrics.enable.process.cpu.time", false);
        d.put("management.metrics.enable.system.cpu.count", false);
        d.put("management.metrics.enable.tomcat", false);
        d.put("spring.mvc.problemdetails.enabled", true);
        d.put("spring.main.banner-mode", "off");
        d.put("spring.application.name", "facesweep-coordinator");
        d.put("server.shutdown", "graceful");
        d.put("logging.level.dev.facesweep", "INFO");
        d.put("logging.level.org.springframework.boot.web.embedded.tomcat", "INFO");
        // startup failures are reported as one line by start(), not as Spring's multi-line report
        d.put("logging.level.org.springframework.boot.diagnostics", "OFF");
        d.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
        d.put("logging.level.org.springframework.boot.web.server.servlet.context", "ERROR");
        return d;
    }

    /**
     * Starts the service; returns once it listens. Configuration problems (bad property, port in use, store that
     * cannot be opened) become a {@link UsageError} with one line naming the problem.
     */
    public static ReviewServer start(Map<String, Object> properties) {
        return start(properties, new Class<?>[0]);
    }

    /**
     * Starts the service with extra configuration classes (e.g. beans for {@link PlanApplier} or
     * {@link dev.facesweep.coordinator.review.PlanFiles}).
     */
    public static ReviewServer start(Map<String, Object> properties, Class<?>... extraConfiguration) {
        Map<String, Object> all = defaults();
        all.putAll(properties);
        Class<?>[] sources = new Class<?>[extraConfiguration.length + 1];
        sources[0] = ServeApplication.class;
        System.arraycopy(extraConfiguration, 0, sources, 1, extraConfiguration.length);
        SpringApplication app = new SpringApplication(sources);
        app.setDefaultProperties(all);
        app.setBannerMode(Banner.Mode.OFF);
        app.setRegisterShutdownHook(true);
        app.setLogStartupInfo(false);
        try {
            // Only our own configuration: an application.properties of another app on the classpath (the worker's, in
            // tests) must not change the port or anything else.
            return new ReviewServer(app.run("--spring.config.name=facesweep-serve"));
        } catch (RuntimeException e) {
            throw startupError(e, all);
        }
    }

    static UsageError startupError(RuntimeException e, Map<String, Object> properties) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortInUseException port) {
                return new UsageError("port " + port.getPort() + " is already in use on "
                        + properties.get("server.address") + ": pass --port with a free port (or stop the other"
                        + " service)", e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new UsageError("cannot start the service: " + message.replaceAll("\\s+", " ").strip(), e);
    }

    /** The port the web server listens on (the real one when started with port 0). */
    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The address the web server is bound to, as configured. */
    public String address() {
        return context.getEnvironment().getProperty("server.address", "127.0.0.1");
    }

    /** The review page's URL. */
    public String url() {
        String host = address();
        if (host.contains(":")) {
            host = "[" + host + "]";
        } else if (host.equals("0.0.0.0")) {
            host = "localhost";
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Blocks until the service is stopped (Ctrl-C or SIGTERM close it through Spring's shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        context.close();
    }
}
