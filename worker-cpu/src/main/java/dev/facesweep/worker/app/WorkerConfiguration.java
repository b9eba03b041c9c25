package dev.facesweep.worker.app;

import dev.facesweep.model.BundleException;
import dev.facesweep.worker.BatchScoringHandler;
import dev.facesweep.worker.PathPolicy;
import dev.facesweep.worker.amqp.AmqpSettings;
import dev.facesweep.worker.amqp.AmqpWorker;
import dev.facesweep.worker.amqp.WorkerEvents;
import dev.facesweep.worker.amqp.WorkerIdentity;
import dev.facesweep.worker.provider.CpuProvider;
import dev.facesweep.worker.provider.CudaProvider;
import dev.facesweep.worker.provider.ProviderOption;
import dev.facesweep.worker.provider.ProviderUnavailableException;
import dev.facesweep.worker.provider.WorkerTuning;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the worker: provider, model, batch handler, RabbitMQ transport, metrics and health. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WorkerProperties.class, AmqpProperties.class, CudaProperties.class})
class WorkerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    @Bean
    CpuProvider cpuProvider() {
        return new CpuProvider();
    }

    @Bean
    CudaProvider cudaProvider(CudaProperties cuda) {
        return new CudaProvider(cuda.fallbackPolicy());
    }

    /**
     * The configured provider set up with its tuning (or the CPU with the CPU's, after a fallback) and the image
     * model open on it.
     */
    @Bean
    LoadedModel loadedModel(WorkerProperties worker, List<ProviderOption> options)
            throws ProviderUnavailableException {
        ProviderOption option = chosen(worker, options);
        return LoadedModel.open(worker.modelDir(), option,
                worker.tuningRequest(Runtime.getRuntime().availableProcessors()), worker.deviceSpec());
    }

    /** Batch size and threads in use (reported in heartbeats). */
    @Bean
    WorkerTuning workerTuning(LoadedModel loaded) {
        return loaded.tuning();
    }

    private static ProviderOption chosen(WorkerProperties worker, List<ProviderOption> options) {
        Map<String, ProviderOption> byName = new TreeMap<>();
        options.forEach(o -> byName.put(o.name(), o));
        String name = worker.providerName();
        ProviderOption option = byName.get(name);
        if (option == null) {
            throw new ConfigurationException("facesweep.worker.provider", "'" + name + "' is not in this build "
                    + "(it has " + String.join(", ", byName.keySet()) + ")"
                    + ("dml".equals(name) ? "; run the worker-dml jar (facesweep-worker.jar), which adds DirectML" : ""));
        }
        return option;
    }

    @Bean
    PathPolicy pathPolicy(WorkerProperties worker) {
        PathPolicy policy = worker.pathPolicy();
        if (policy.isInlineOnly()) {
            log.warn("no --allow-root and no --path-map: this worker reads no files and scores only images sent "
                    + "inline");
        } else if (policy.isUnrestricted()) {
            log.warn("facesweep.worker.allow-any-path=true: this worker reads any path a batch names");
        } else {
            log.info("reading images under {}{}", policy.allowedRoots(),
                    policy.mappings().isEmpty() ? "" : " with path maps " + policy.mappings());
        }
        return policy;
    }

    @Bean
    WorkerIdentity workerIdentity(WorkerProperties worker, LoadedModel loaded, WorkerTuning tuning) {
        String host = hostName();
        String id = worker.id() != null && !worker.id().isBlank() ? worker.id().strip()
                : host + "-" + worker.providerName() + (worker.deviceSpec().isEmpty() ? "" : "-" + worker.deviceSpec());
        return new WorkerIdentity(id, host, loaded.check().providerInUse(), loaded.setup().configuredProvider(),
                loaded.setup().device(), loaded.model().bundle().modelId(), batchSize(loaded), tuning.heartbeat());
    }

    @Bean
    BatchScoringHandler batchScoringHandler(LoadedModel loaded, PathPolicy paths, WorkerIdentity identity,
            WorkerTuning tuning) throws BundleException {
        return BatchScoringHandler.create(loaded.model(), paths, identity.workerId(), tuning.decodeThreads());
    }

    @Bean
    AmqpSettings amqpSettings(AmqpProperties amqp, WorkerIdentity identity, WorkerProperties worker) {
        return amqp.settings("facesweep-worker " + identity.workerId(), worker.grace(), worker.hangLimit());
    }

    /** Every meter of this worker, the JVM's included, carries the worker id (see {@link WorkerMetric}). */
    @Bean
    MeterFilter workerTag(WorkerIdentity identity) {
        return MeterFilter.commonTags(Tags.of(WorkerMetric.Tag.WORKER.key(), identity.workerId()));
    }

    @Bean
    WorkerEvents workerEvents(MeterRegistry registry, WorkerIdentity identity, LoadedModel loaded) {
        Gauge.builder(WorkerMetric.PROVIDER_INFO.metricName(), () -> 1)
                .description(WorkerMetric.PROVIDER_INFO.description())
                .tag(WorkerMetric.Tag.PROVIDER.key(), identity.provider())
                .tag(WorkerMetric.Tag.CONFIGURED_PROVIDER.key(), identity.configuredProvider())
                .tag(WorkerMetric.Tag.DEVICE.key(), identity.device())
                .tag(WorkerMetric.Tag.MODEL.key(), identity.modelId())
                .register(registry);
        loaded.check().acceleratorNodeFraction().ifPresent(fraction ->
                Gauge.builder(WorkerMetric.ACCELERATOR_NODES.metricName(), () -> fraction)
                        .description(WorkerMetric.ACCELERATOR_NODES.description()).register(registry));
        return new MicrometerWorkerEvents(registry);
    }

    @Bean
    AmqpWorker amqpWorker(AmqpSettings settings, BatchScoringHandler handler, WorkerIdentity identity,
            WorkerEvents events, MeterRegistry registry) {
        AmqpWorker worker = new AmqpWorker(settings, handler, identity, events, Clock.systemUTC());
        Gauge.builder(WorkerMetric.IN_FLIGHT.metricName(), worker, w -> w.status().inFlight())
                .description(WorkerMetric.IN_FLIGHT.description()).register(registry);
        Clock clock = Clock.systemUTC();
        Gauge.builder(WorkerMetric.OLDEST_BATCH_AGE.metricName(), worker, w -> {
            long since = w.status().oldestInFlightEpochMillis();
            return since == 0 ? 0 : Math.max(0, clock.millis() - since) / 1000.0;
        }).description(WorkerMetric.OLDEST_BATCH_AGE.description())
                .baseUnit(WorkerMetric.OLDEST_BATCH_AGE.baseUnit()).register(registry);
        return worker;
    }

    @Bean
    WorkerLifecycle workerLifecycle(AmqpWorker worker) {
        return new WorkerLifecycle(worker);
    }

    @Bean
    WorkerHealthIndicator workerHealthIndicator(AmqpWorker worker, LoadedModel loaded, AmqpSettings settings) {
        return new WorkerHealthIndicator(worker, loaded, settings.redactedUrl());
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announcePort(WorkerIdentity identity) {
        return event -> {
            int port = event.getWebServer().getPort();
            log.info("worker {} ({} for {}, configured {}): health on http://{}:{}/actuator/health, metrics "
                    + "on http://{}:{}/actuator/prometheus (add this host:port to Prometheus, docs/operations.md)",
                    identity.workerId(), identity.provider(), identity.modelId(), identity.configuredProvider(),
                    identity.host(), port, identity.host(), port);
        };
    }

    private static int batchSize(LoadedModel loaded) {
        try {
            return loaded.model().batchSize(dev.facesweep.model.ModelRole.VISUAL);
        } catch (BundleException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String hostName() {
        String env = System.getenv("COMPUTERNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("HOSTNAME");
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
