# The facesweep coordinator (`facesweep serve`, and `facesweep scan` through `docker compose exec`), built from this
# repository with the Maven wrapper. Build context: the repository root (docker-compose.yml sets it).
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl coordinator -am package \
    && cp coordinator/target/facesweep-coordinator.jar /facesweep-coordinator.jar

FROM eclipse-temurin:17.0.15_6-jre-jammy
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/facesweep --create-home facesweep
COPY --from=build /facesweep-coordinator.jar /opt/facesweep/facesweep-coordinator.jar
RUN printf '#!/bin/sh\nexec java ${FACESWEEP_JAVA_OPTS:-} -jar /opt/facesweep/facesweep-coordinator.jar "$@"\n' \
        > /usr/local/bin/facesweep \
    && chmod 755 /usr/local/bin/facesweep
USER facesweep
ENV FACESWEEP_STATE=/var/lib/facesweep
VOLUME /var/lib/facesweep
# 8080: review page, API, /actuator/health and /actuator/prometheus; 9464: /metrics of a running `facesweep scan`
EXPOSE 8080 9464
ENTRYPOINT ["facesweep"]
CMD ["serve", "--bind", "0.0.0.0", "--port", "8080"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://localhost:8080/actuator/health || exit 1
