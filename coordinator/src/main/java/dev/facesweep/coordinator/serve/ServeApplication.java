package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.apply.OpType;
import dev.facesweep.coordinator.metrics.ApplyMetrics;
import dev.facesweep.coordinator.metrics.HelpTexts;
import dev.facesweep.coordinator.metrics.MicrometerApplyMetrics;
import dev.facesweep.coordinator.review.ReviewWorkspace;
import dev.facesweep.coordinator.review.Thumbnails;
import dev.facesweep.coordinator.scan.ScanGauges;
import dev.facesweep.coordinator.store.ScanStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The Spring application behind {@code facesweep serve}. No component scanning: the web layer is imported explicitly,
 * and the review logic itself is the framework-free {@link ReviewWorkspace}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ReviewApi.class, ApiErrors.class})
@EnableConfigurationProperties(ServeProperties.class)
class ServeApplication {

    /** How often at most the flagged count of a running scan is recomputed (it reads every image's scores). */
    static final Duration FLAGGED_EVERY = Duration.ofSeconds(30);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    ScanStore scanStore(ServeProperties properties, Clock clock) {
        ServeProperties.Store store = properties.store();
        if (store.url() != null) {
            return ScanStore.jdbc(store.url(), store.user(), store.password(), clock);
        }
        return ScanStore.sqlite(properties.state(), clock);
    }

    @Bean
    ReviewWorkspace reviewWorkspace(ScanStore store, ServeProperties properties, Clock clock) {
        return new ReviewWorkspace(store, properties.state(), new Thumbnails(properties.thumbnails().size()), clock);
    }

    @Bean
    PlanApplier planApplier(ServeProperties properties, Clock clock, ApplyMetrics applyMetrics) {
        return new JournaledApplier(properties.state(), clock, applyMetrics);
    }

    /** The per-scan gauges of every unfinished and recently finished scan of the store (docs/operations.md). */
    @Bean(destroyMethod = "close")
    ScanGauges scanGauges(MeterRegistry registry, ScanStore store, ServeProperties properties, Clock clock) {
        ServeProperties.Metrics metrics = properties.metrics();
        return new ScanGauges(registry, store, clock, ScanGauges.recent(metrics.finishedScans()),
                FLAGGED_EVERY).start(metrics.refresh());
    }

    /** Apply operations by type and result; apply reports through this port. */
    @Bean
    ApplyMetrics applyMetrics(MeterRegistry registry) {
        return new MicrometerApplyMetrics(registry, Arrays.stream(OpType.values()).map(OpType::json).toList());
    }

    @Bean
    MeterFilter httpHelpTexts() {
        return HelpTexts.httpServerRequests();
    }
}
