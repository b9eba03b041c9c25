package dev.facesweep.coordinator.serve;

import dev.facesweep.coordinator.review.ReviewWorkspace;
import dev.facesweep.coordinator.review.Thumbnails;
import dev.facesweep.coordinator.store.ScanStore;
import java.time.Clock;
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
    PlanApplier planApplier(ServeProperties properties, Clock clock) {
        return new JournaledApplier(properties.state(), clock);
    }
}
