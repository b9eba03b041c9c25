package dev.facesweep.coordinator.scan;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drops one client connection on the local broker with {@code rabbitmqctl}, as a broker restart or a network cut
 * would, without disturbing anyone else's connections.
 */
final class BrokerControl {

    private BrokerControl() {
    }

    static void closeConnection(String connectionName) throws Exception {
        String listing = run("rabbitmqctl", "list_connections", "-q", "--no-table-headers", "pid",
                "client_properties");
        for (String line : listing.lines().toList()) {
            if (line.contains(connectionName)) {
                run("rabbitmqctl", "close_connection", line.split("\\s+")[0], "facesweep test: cut");
                return;
            }
        }
        fail("no connection named '" + connectionName + "' on the broker: " + listing);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("cannot run rabbitmqctl (" + e.getMessage() + "): install RabbitMQ's command line tools"
                    + " on this machine to drop a connection");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
