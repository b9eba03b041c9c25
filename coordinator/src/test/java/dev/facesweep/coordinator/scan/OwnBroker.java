package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node of the test's own (its own data folder, ports and Erlang cookie), started from the local RabbitMQ
 * installation, so a test can restart the broker ({@code rabbitmqctl stop_app} / {@code start_app}) without
 * disturbing anybody else's connections on the shared test broker.
 *
 * <p>The scripts come from {@code FACESWEEP_TEST_RABBITMQ_BIN}, else {@code /usr/lib/rabbitmq/bin} (Debian keeps
 * the real scripts there; {@code /usr/sbin} has wrappers that switch user), else the {@code PATH}.
 */
final class OwnBroker implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(60);

    final String url;
    private final String node;
    private final Path dir;
    private final Map<String, String> env;

    private OwnBroker(String url, String node, Path dir, Map<String, String> env) {
        this.url = url;
        this.node = node;
        this.dir = dir;
        this.env = env;
    }

    static OwnBroker start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int amqpPort = freePort();
        int distPort = freePort();
        String node = "fsit" + UUID.randomUUID().toString().substring(0, 6) + "@localhost";
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + amqpPort + "\n"
                + "loopback_users = none\n");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        OwnBroker broker = new OwnBroker("amqp://guest:guest@127.0.0.1:" + amqpPort, node, dir, env);
        broker.run(START, "rabbitmq-server", "-detached");
        try {
            broker.run(START, "rabbitmq-diagnostics", "-n", node, "wait", dir.resolve("rabbitmq.pid").toString(),
                    "--timeout", Long.toString(START.toSeconds()));
            broker.awaitStartup();
        } catch (Throwable e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Stops the RabbitMQ application (connections drop, queues stay on disk) and starts it again. */
    void restartApp() throws Exception {
        ctl("stop_app");
        ctl("start_app");
        awaitStartup();
    }

    void stopApp() throws Exception {
        ctl("stop_app");
    }

    void startApp() throws Exception {
        ctl("start_app");
        awaitStartup();
    }

    /** {@code rabbitmqctl list_queues name messages_ready messages_unacknowledged} (and more columns if asked). */
    String listQueues(String... columns) throws Exception {
        List<String> args = new ArrayList<>(List.of("rabbitmqctl", "-n", node, "list_queues", "-q",
                "--no-table-headers"));
        args.addAll(List.of(columns));
        return run(START, args.toArray(String[]::new));
    }

    private void awaitStartup() throws Exception {
        ctl("await_startup", "--timeout", Long.toString(START.toSeconds()));
        run(START, "rabbitmq-diagnostics", "-n", node, "-q", "ping");
    }

    private void ctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-n", node));
        command.addAll(List.of(args));
        run(START, command.toArray(String[]::new));
    }

    private String run(Duration atMost, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(command));
        full.set(0, script(command[0]));
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).directory(dir.toFile());
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            return fail("cannot run " + full.get(0) + " (" + e.getMessage() + "): the broker-restart test starts a"
                    + " RabbitMQ node of its own; install rabbitmq-server or set FACESWEEP_TEST_RABBITMQ_BIN to the"
                    + " folder with rabbitmq-server and rabbitmqctl");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + atMost + ": " + out);
        }
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + out
                    + "\nbroker log: " + logTail());
        }
        return out;
    }

    private String logTail() throws IOException {
        Path log = dir.resolve("log").resolve(node + ".log");
        if (!Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static String script(String name) {
        String configured = System.getenv("FACESWEEP_TEST_RABBITMQ_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured, name).toString();
        }
        Path debian = Path.of("/usr/lib/rabbitmq/bin", name);
        return Files.isExecutable(debian) ? debian.toString() : name;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(START, "rabbitmqctl", "-n", node, "stop");
        } catch (AssertionError e) {
            // not running (any more): the pid file below is the last resort
        } finally {
            Path pidFile = dir.resolve("rabbitmq.pid");
            if (Files.exists(pidFile)) {
                String pid = Files.readString(pidFile).strip();
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }
}
