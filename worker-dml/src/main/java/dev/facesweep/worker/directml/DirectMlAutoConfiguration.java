package dev.facesweep.worker.directml;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Adds {@code --provider dml} to the worker application when this module is on the classpath. */
@AutoConfiguration
@EnableConfigurationProperties(DirectMlProperties.class)
public class DirectMlAutoConfiguration {

    @Bean
    DirectMlProvider directMlProvider(DirectMlProperties properties) {
        return new DirectMlProvider(properties, DirectMlRuntime.system());
    }
}
