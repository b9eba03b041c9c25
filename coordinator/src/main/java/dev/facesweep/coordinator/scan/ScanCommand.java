package dev.facesweep.coordinator.scan;

import dev.facesweep.coordinator.cli.Environment;
import dev.facesweep.coordinator.cli.ExitCode;
import dev.facesweep.coordinator.cli.ModelOptions;
import dev.facesweep.coordinator.cli.StoreOptions;
import dev.facesweep.coordinator.cli.UsageError;
import dev.facesweep.coordinator.dispatch.DispatchException;
import dev.facesweep.coordinator.dispatch.Dispatcher;
import dev.facesweep.coordinator.dispatch.EmbeddedDispatcher;
import dev.facesweep.coordinator.dispatch.WorkerStatus;
import dev.facesweep.coordinator.rabbit.BrokerSettings;
import dev.facesweep.coordinator.rabbit.QueueNames;
import dev.facesweep.coordinator.rabbit.RabbitDispatcher;
import dev.facesweep.coordinator.results.PromptScoring;
import dev.facesweep.coordinator.results.ResultRecorder;
import dev.facesweep.coordinator.store.ScanStore;
import dev.facesweep.corpus.CorpusException;
import dev.facesweep.corpus.CorpusWalk;
import dev.facesweep.model.BundleException;
import dev.facesweep.model.ClipModel;
import dev.facesweep.model.CpuSessionConfigurer;
import dev.facesweep.model.ModelBundle;
import dev.facesweep.protocol.Topology;
import dev.facesweep.scoring.PromptSet;
import dev.facesweep.scoring.PromptSetException;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.PathPolicy;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code facesweep scan ROOT}: scores a corpus, in-process or through RabbitMQ workers. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scores every face image under ROOT and stores the results (resumable: run it again to"
                + " continue a killed scan; images already stored are reused, never scored again).",
            "Without --broker the scan runs in this process; with --broker only workers score."},
        footer = {"", "With --json the last line on stdout is {\"scan\": ID, \"images\": N, \"scored\": N,"
                + " \"reused\": N, \"failed\": N, \"parked\": N, \"failures\": [{\"image\": PATH, \"error\": TEXT}]}"
                + " (parked counts batches given up on; their images are among failed).",
            "Exit codes: 0 all images scored or reused, 2 usage or configuration error, 3 some images failed or"
                + " were parked."})
public final class ScanCommand implements Callable<Integer> {

    /** Threads decoding images in an embedded scan: one, as the CPU worker (docs/tuning.md). */
    static final int EMBEDDED_DECODE_THREADS = 1;

    @Parameters(index = "0", paramLabel = "ROOT", description = "Corpus root: the folder that holds the face sets.")
    Path root;

    @Mixin
    ModelOptions model;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "Prompt set (YAML or JSON); default: the shipped sunglasses and mask set.")
    Path prompts;

    @Option(names = "--broker", paramLabel = "AMQP_URL",
            description = "RabbitMQ, e.g. amqp://user:password@host:5672/ (user and password may come from"
                    + " FACESWEEP_BROKER_USER and FACESWEEP_BROKER_PASSWORD instead). Without it the scan runs"
                    + " in-process.")
    String broker;

    @Option(names = "--queue-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Prefix of every queue and exchange name, for installations sharing a broker; the workers"
                    + " need the same facesweep.amqp.prefix (default: none).")
    String queuePrefix;

    @Mixin
    StoreOptions stateOptions;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + ScanSettings.DEFAULT_BATCH_SIZE,
            description = "Images per batch message (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--inline", description = "Send image bytes in the messages, for workers without the shared"
            + " folder.")
    boolean inline;

    @Option(names = "--json", description = "Print the summary as one JSON line (the last line on stdout).")
    boolean json;

    @Option(names = "--metrics-port", paramLabel = "PORT|off",
            defaultValue = "" + ScanMetricsEndpoint.DEFAULT_PORT,
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics while the scan runs (default:"
                    + " ${DEFAULT-VALUE}; 0 picks a free port; off serves none). The URL is printed at the start.")
    String metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address the metrics port listens on (default: ${DEFAULT-VALUE}, every interface; use"
                    + " 127.0.0.1 to keep it local).")
    String metricsBind;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batchSize < 1) {
            throw new UsageError("--batch-size must be at least 1, got " + batchSize);
        }
        ScanMetricsEndpoint.Option metricsOption = ScanMetricsEndpoint.Option.parse(metricsPort,
                spec.commandLine().getParseResult().hasMatchedOption("--metrics-port"), metricsBind);
        CorpusWalk walk;
        try {
            walk = CorpusWalk.open(root);
        } catch (CorpusException e) {
            throw new UsageError(e.getMessage(), e);
        }
        Path corpus = walk.root();
        ModelBundle bundle = model.load();
        PromptSet promptSet = loadPrompts();
        Clock clock = Clock.systemUTC();
        ScanSettings settings = ScanSettings.defaults().withBatchSize(batchSize).withInline(inline)
                .withNoWorkerHint(broker != null ? ScanSettings.defaults().noWorkerHint() : null);
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, String> env = Environment.current();
        try (ScanStore store = stateOptions.open(env, stateOptions.stateDir(env, corpus), clock);
                ClipModel clip = open(bundle, new CpuSessionConfigurer(cores, batchSize))) {
            PromptScoring scoring = embed(clip, promptSet);
            ConsoleMonitor monitor = new ConsoleMonitor(err, "scan");
            ScanOutcome outcome;
            String transport;
            List<WorkerStatus> workers;
            try (Dispatcher dispatcher = dispatcher(clip, corpus, clock, env);
                    ScanMetricsEndpoint metrics = ScanMetricsEndpoint.open(metricsOption, monitor::note)) {
                transport = dispatcher.description();
                ScanSetup.Opened opened = ScanSetup.openOrResume(store, corpus, scoring,
                        PromptSetJson.write(promptSet));
                monitor.note((opened.resumed() ? "resuming scan " : "scan ") + opened.scan().id() + " of " + corpus
                        + " with " + scoring.modelId() + " (" + transport + ")");
                try (Staging staging = new Staging(walk, opened.known(), settings.hashThreads(),
                        settings.hashLookahead())) {
                    ScanRun run = new ScanRun(store, dispatcher, new ResultRecorder(store, scoring), settings, clock,
                            metrics.attach(store, opened.scan(), clock, monitor));
                    outcome = run.run(opened.scan(), staging, opened.resumed());
                    workers = dispatcher.workers();
                    metrics.finish();
                } catch (DispatchException e) {
                    monitor.finish();
                    err.println(spec.qualifiedName() + ": " + e.getMessage());
                    err.println("the scan is unfinished; run the same command again to continue it");
                    err.flush();
                    return ExitCode.ERROR;
                }
            }
            monitor.finish();
            if (json) {
                out.println(ScanReport.json(store, outcome));
            } else {
                ScanReport.human(out, store, outcome, corpus.toString(), transport, workers);
            }
            out.flush();
            return outcome.complete() ? ExitCode.OK : ExitCode.SOME_FAILED;
        }
    }

    private PromptSet loadPrompts() {
        if (prompts == null) {
            return PromptSet.defaults();
        }
        try {
            return PromptSet.load(prompts);
        } catch (PromptSetException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private static ClipModel open(ModelBundle bundle, CpuSessionConfigurer configurer) {
        try {
            return ClipModel.open(bundle, configurer);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    static PromptScoring embed(ClipModel clip, PromptSet promptSet) {
        try {
            return PromptScoring.embed(clip, promptSet);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
    }

    private Dispatcher dispatcher(ClipModel clip, Path corpus, Clock clock, Map<String, String> env) {
        if (broker != null) {
            BrokerSettings settings = BrokerSettings.defaults(broker).withCredentials(
                    Environment.get(env, Environment.BROKER_USER), Environment.get(env, Environment.BROKER_PASSWORD));
            String prefix = !queuePrefix.isBlank() ? queuePrefix : Environment.get(env, Environment.AMQP_PREFIX);
            if (prefix != null) {
                settings = settings.withNames(QueueNames.withPrefix(prefix.strip()));
            }
            try {
                return RabbitDispatcher.connect(settings, clock);
            } catch (DispatchException e) {
                throw new UsageError(e.getMessage(), e);
            }
        }
        BatchScoringHandler handler;
        try {
            // The CPU worker's defaults (docs/tuning.md): every core runs the model, one thread decodes the next
            // batch meanwhile, so an embedded scan and a worker on the same machine do the same work.
            handler = BatchScoringHandler.create(clip, PathPolicy.restricted(List.of(), List.of(corpus)),
                    "embedded@" + hostName(), EMBEDDED_DECODE_THREADS);
        } catch (BundleException e) {
            throw new UsageError(e.getMessage(), e);
        }
        return new EmbeddedDispatcher(handler, Topology.DEFAULT_MAX_ATTEMPTS);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
