package dev.facesweep.worker.app;

import dev.facesweep.model.ModelCache;
import dev.facesweep.worker.PathMapping;
import dev.facesweep.worker.PathPolicy;
import dev.facesweep.worker.provider.InvalidSettingException;
import dev.facesweep.worker.provider.WorkerTuning;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code facesweep.worker.*}: the model, the provider and which files the worker may read. Unset values take the
 * defaults below.
 *
 * @param id worker id in results and heartbeats (default {@code <host>-<provider>})
 * @param model the model bundle folder or pulled model name ({@code --model}; default env {@code FACESWEEP_MODEL},
 *     else the only model pulled into the model cache)
 * @param provider {@code cpu} (default), {@code dml} or {@code cuda}
 * @param device accelerator index (CUDA, DirectML) or vendor ({@code amd}, {@code nvidia}, {@code intel};
 *     DirectML); default the first
 * @param batchSize images per model run (default: the provider's, 8 on CPU, 16 on GPUs; see WorkerTuning and
 *     docs/tuning.md)
 * @param intraOpThreads ONNX Runtime threads per run (default: the provider's, all cores on CPU; 0 for ONNX
 *     Runtime's own choice)
 * @param decodeThreads threads reading and preprocessing images (default: the provider's, 1 on CPU, all cores
 *     but one on GPUs)
 * @param pathMaps {@code FROM=TO} prefix rewrites ({@code --path-map})
 * @param allowedRoots folders images may be read from ({@code --allow-root}); default the targets of
 *     {@code pathMaps}; with neither, the worker reads no files (inline images only)
 * @param allowAnyPath read any absolute path (no root check); default false
 * @param shutdownGrace how long a stop waits for the batch in progress (default 60 s)
 * @param batchTimeout how long one batch may stay in the model (or in decoding) before the worker takes itself for
 *     hung and exits so that its service restarts it and the batch is tried again (default 10 min; 0 never)
 */
@ConfigurationProperties("facesweep.worker")
public record WorkerProperties(
        String id,
        String model,
        String provider,
        String device,
        Integer batchSize,
        Integer intraOpThreads,
        Integer decodeThreads,
        List<String> pathMaps,
        List<String> allowedRoots,
        Boolean allowAnyPath,
        Duration shutdownGrace,
        Duration batchTimeout) {

    static final String DEFAULT_PROVIDER = "cpu";
    static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(60);
    /**
     * Far above any batch's time (ViT-L-14 on a slow CPU: about a minute for a batch of 8, the first one included)
     * and well below RabbitMQ's default consumer_timeout of 30 min, so the worker acts before the broker does.
     */
    static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMinutes(10);

    public WorkerProperties {
        pathMaps = pathMaps == null ? List.of() : List.copyOf(pathMaps);
        allowedRoots = allowedRoots == null ? List.of() : List.copyOf(allowedRoots);
    }

    /**
     * The model bundle folder: {@code model} as a folder, or as the name of a model pulled into the model cache
     * ({@code facesweep model pull}); unset, the only model pulled into the cache.
     *
     * @throws ConfigurationException when none is configured and the cache holds none or several, or the
     *     configured one does not exist
     */
    Path modelDir() {
        return modelDir(ModelCache.fromSystem());
    }

    Path modelDir(ModelCache cache) {
        if (model == null || model.isBlank()) {
            try {
                return cache.soleBundle("give --model DIR|NAME or set FACESWEEP_MODEL");
            } catch (IllegalStateException e) {
                throw new ConfigurationException("facesweep.worker.model", e.getMessage());
            }
        }
        Optional<Path> located = cache.locate(model.strip());
        if (located.isPresent()) {
            return located.get();
        }
        Path dir = path("facesweep.worker.model", model);
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("facesweep.worker.model", dir + " is not a folder; point --model at a "
                    + "model bundle (config.json, visual/, textual/)");
        }
        return dir;
    }

    String providerName() {
        return provider == null || provider.isBlank() ? DEFAULT_PROVIDER
                : provider.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** The accelerator named by {@code facesweep.worker.device}, stripped; empty for the provider's first. */
    String deviceSpec() {
        return device == null ? "" : device.strip();
    }

    /**
     * The configured batch size and threads, for a machine with {@code cores} cores.
     *
     * @throws ConfigurationException naming a value out of range
     */
    WorkerTuning.Request tuningRequest(int cores) {
        try {
            return new WorkerTuning.Request(cores, batchSize, intraOpThreads, decodeThreads);
        } catch (InvalidSettingException e) {
            throw new ConfigurationException(e.property(), e.problem());
        }
    }

    Duration grace() {
        return AmqpProperties.positive("facesweep.worker.shutdown-grace", shutdownGrace, DEFAULT_SHUTDOWN_GRACE);
    }

    /** The batch time limit; {@link Duration#ZERO} when switched off with 0. */
    Duration hangLimit() {
        if (batchTimeout == null) {
            return DEFAULT_BATCH_TIMEOUT;
        }
        if (batchTimeout.isNegative()) {
            throw new ConfigurationException("facesweep.worker.batch-timeout", "must be a duration such as 10m, or 0"
                    + " for no limit, was " + batchTimeout);
        }
        return batchTimeout;
    }

    /**
     * The path policy: explicit roots, else the map targets, else inline only; any path when
     * {@code allowAnyPath}.
     *
     * @throws ConfigurationException naming a malformed map or a root that is not an existing folder
     */
    PathPolicy pathPolicy() {
        List<PathMapping> mappings = new ArrayList<>();
        for (int i = 0; i < pathMaps.size(); i++) {
            try {
                mappings.add(PathMapping.parse(pathMaps.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("facesweep.worker.path-maps[" + i + "]", e.getMessage());
            }
        }
        if (Boolean.TRUE.equals(allowAnyPath)) {
            return PathPolicy.unrestricted(mappings);
        }
        List<Path> roots = new ArrayList<>();
        String property;
        if (!allowedRoots.isEmpty()) {
            property = "facesweep.worker.allowed-roots";
            for (int i = 0; i < allowedRoots.size(); i++) {
                roots.add(checkedRoot(property + "[" + i + "]", allowedRoots.get(i)));
            }
        } else {
            property = "facesweep.worker.path-maps";
            for (int i = 0; i < mappings.size(); i++) {
                roots.add(checkedRoot(property + "[" + i + "]", mappings.get(i).to()));
            }
        }
        try {
            return PathPolicy.restricted(mappings, roots);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(property, e.getMessage());
        }
    }

    private static Path checkedRoot(String property, String value) {
        Path p = path(property, value);
        if (!p.isAbsolute() || !Files.isDirectory(p)) {
            throw new ConfigurationException(property, value + " is not an existing folder on this worker (an "
                    + "allowed root must be an absolute path to a folder)");
        }
        return p;
    }

    private static Path path(String property, String value) {
        try {
            return Path.of(value.strip());
        } catch (InvalidPathException e) {
            throw new ConfigurationException(property, "'" + value + "' is not a valid path: " + e.getReason());
        }
    }
}
