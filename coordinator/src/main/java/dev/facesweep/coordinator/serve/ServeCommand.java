package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.review.Thumbnails;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facesweep serve}: the coordinator web service with the live review page. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the coordinator web service: the review page at /, the REST API under /api,"
                + " /actuator/health and /actuator/prometheus. Stops with Ctrl-C.",
            "Bound to 127.0.0.1 unless --bind says otherwise. Applying a plan from the page needs the plan id"
                + " typed into a confirmation dialog."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions state;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the page and the API to"
                    + " the network, without authentication).")
    String bind;

    @Option(names = "--thumbnail-size", paramLabel = "PX", defaultValue = "" + Thumbnails.DEFAULT_SIZE,
            description = "Thumbnail edge in pixels (default: ${DEFAULT-VALUE}).")
    int thumbnailSize;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> env = Environment.current();
        try (ReviewServer server = ReviewServer.start(properties(env))) {
            out.println("facesweep serve: review page at " + server.url() + " (state " + state.stateDir(env, null)
                    + "); Ctrl-C stops");
            out.flush();
            server.awaitShutdown();
        }
        return ExitCode.OK;
    }

    /** The options as Spring properties. */
    Map<String, Object> properties(Map<String, String> env) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("server.address", bind);
        p.put("facesweep.serve.state", state.stateDir(env, null).toString());
        String url = state.storeUrl(env);
        if (url != null) {
            p.put("facesweep.serve.store.url", url);
            putIfSet(p, "facesweep.serve.store.user", Environment.get(env, Environment.STORE_USER));
            putIfSet(p, "facesweep.serve.store.password", Environment.get(env, Environment.STORE_PASSWORD));
        }
        p.put("facesweep.serve.thumbnails.size", thumbnailSize);
        return p;
    }

    private static void putIfSet(Map<String, Object> p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }
}
