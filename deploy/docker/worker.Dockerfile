# A facesweep CPU worker, built from this repository with the Maven wrapper. Build context: the repository root.
# Configure it with the environment (docs/worker.md): FACESWEEP_AMQP_URL, FACESWEEP_AMQP_USERNAME,
# FACESWEEP_AMQP_PASSWORD, FACESWEEP_MODEL; options such as --allow-root go in the command.
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl worker-cpu -am package \
    && cp worker-cpu/target/facesweep-worker-cpu-*-exec.jar /facesweep-worker.jar

FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home facesweep
COPY --from=build /facesweep-worker.jar /opt/facesweep/facesweep-worker.jar
USER facesweep
# /actuator/health and /actuator/prometheus (server.port; the worker logs it at start-up)
EXPOSE 8081
ENTRYPOINT ["java", "-jar", "/opt/facesweep/facesweep-worker.jar"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://localhost:8081/actuator/health || exit 1
