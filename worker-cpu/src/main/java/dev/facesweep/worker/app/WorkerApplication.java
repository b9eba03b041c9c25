package dev.facesweep.worker.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The worker as a Spring Boot application; start it through {@link WorkerMain}. */
@SpringBootApplication
public class WorkerApplication {
}
