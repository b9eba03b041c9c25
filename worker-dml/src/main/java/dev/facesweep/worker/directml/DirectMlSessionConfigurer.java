package dev.facesweep.worker.directml;

import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.facesweep.model.ModelRole;
import dev.facesweep.model.SessionConfigurer;
import dev.facesweep.model.SessionTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DirectML session recipe (docs/windows-dml.md): the chosen EP device through
 * {@code addExecutionProvider(List.of(device), options)}, memory pattern off, sequential execution, all graph
 * optimisations, the batch dimension fixed with {@code setSymbolicDimensionValue} (the last batch is padded).
 * Never {@code addCPU} (the stock JNI binds it by ordinal, which breaks with the swapped DirectML DLL) and never
 * {@code setOptimizedModelFilePath} (it disables DirectML's graph fusion); the CPU provider is present implicitly.
 *
 * <p>The image model's session is created with profiling on; {@link #providerInUse} runs one batch, ends the
 * profile and records which share of the nodes DirectML runs ({@link #nodeFraction()}).
 */
final class DirectMlSessionConfigurer implements SessionConfigurer {

    private static final Logger log = LoggerFactory.getLogger(DirectMlSessionConfigurer.class);
    static final String PROVIDER = "DirectML";

    private final OrtEpDevice device;
    private final Map<String, String> providerOptions;
    private final int batchSize;
    private final int intraOpThreads;
    private final boolean strictPlacement;
    private final Path profileDir;
    private volatile ProfileSummary placement;
    private volatile String placementProblem = "the image model was not opened";

    /**
     * @param intraOpThreads threads for the nodes DirectML does not take; 0 leaves it to ONNX Runtime
     */
    DirectMlSessionConfigurer(OrtEpDevice device, Map<String, String> providerOptions, int batchSize,
            int intraOpThreads, boolean strictPlacement, Path profileDir) {
        this.device = device;
        this.providerOptions = Map.copyOf(providerOptions);
        this.batchSize = batchSize;
        this.intraOpThreads = intraOpThreads;
        this.strictPlacement = strictPlacement;
        this.profileDir = profileDir;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void configure(OrtSession.SessionOptions options, SessionTarget target) throws OrtException {
        options.addExecutionProvider(List.of(device), providerOptions);
        options.setMemoryPatternOptimization(false);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (intraOpThreads > 0) {
            options.setIntraOpNumThreads(intraOpThreads);
        }
        if (strictPlacement) {
            options.addConfigEntry("session.disable_cpu_ep_fallback", "1");
        }
        if (!target.fixBatchSize(options, batchSize) && target.fileBatchSize().isEmpty()) {
            log.warn("{}: the batch dimension has no name, so it cannot be fixed; DirectML runs free dimensions "
                    + "much slower (re-export the model)", target.modelFile());
        }
        if (target.role() == ModelRole.VISUAL) {
            options.enableProfiling(profileDir.resolve("facesweep-dml-profile").toString());
        }
    }

    @Override
    public int batchSize(ModelRole role) {
        return batchSize;
    }

    @Override
    public String providerInUse(OrtSession session, SessionTarget target) {
        if (target.role() != ModelRole.VISUAL) {
            return PROVIDER;
        }
        try {
            ProfileSummary summary = PlacementProbe.measure(session, target.inputName(), batchSize);
            placement = summary;
            return String.format(java.util.Locale.ROOT, "%s (%.0f%% of %d nodes, %.0f%% of kernel time)", PROVIDER,
                    100 * summary.nodeFraction(ProfileSummary.DML), summary.totalNodes(),
                    100 * summary.timeFraction(ProfileSummary.DML));
        } catch (OrtException | IOException | RuntimeException e) {
            placementProblem = e.getMessage();
            log.warn("cannot profile the DirectML session: {}", e.getMessage());
            return PROVIDER + " (placement unknown)";
        }
    }

    /** Share of the image model's nodes on DirectML, when the start-up profile could be read. */
    OptionalDouble nodeFraction() {
        ProfileSummary p = placement;
        return p == null ? OptionalDouble.empty() : OptionalDouble.of(p.nodeFraction(ProfileSummary.DML));
    }

    /** Why {@link #nodeFraction()} is empty. */
    String placementProblem() {
        return placementProblem;
    }
}
