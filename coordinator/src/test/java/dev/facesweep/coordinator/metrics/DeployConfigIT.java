package dev.facesweep.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * deploy/ and docker-compose.yml checked with the tools that run them: {@code promtool check config}, {@code check
 * rules}, {@code test rules} (Debian's prometheus package), {@code docker-compose config} (Debian's docker-compose;
 * it parses without a Docker engine), {@code systemd-analyze verify}; the Grafana dashboard against the current
 * schema, with every panel query parsed by promtool. Real scrapes and the queries' results are ObservabilityIT's.
 */
class DeployConfigIT {

    @TempDir
    Path tmp;

    private static Tool promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(DeployFiles.promtool().toString());
        command.addAll(List.of(args));
        return Tool.run(DeployFiles.prometheusDir(), null, command.toArray(String[]::new));
    }

    @Test
    void prometheusConfigAndRulesPassPromtool() throws Exception {
        Tool config = promtool("check", "config", "prometheus.yml");
        assertThat(config.exitCode()).as("%s", config).isZero();
        assertThat(config.output()).contains("SUCCESS: 1 rule files found");

        Tool rules = promtool("check", "rules", "alerts.yml");
        assertThat(rules.exitCode()).as("%s", rules).isZero();

        Tool tests = promtool("test", "rules", "alerts_test.yml");
        assertThat(tests.exitCode()).as("%s", tests).isZero();
        assertThat(tests.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestAndIsExplainedInTheOperationsGuide() throws Exception {
        String alerts = Files.readString(DeployFiles.prometheusDir().resolve("alerts.yml"));
        String tests = Files.readString(DeployFiles.prometheusDir().resolve("alerts_test.yml"));
        String operations = Files.readString(DeployFiles.root().resolve("docs/operations.md"));
        Matcher m = Pattern.compile("- alert: (\\w+)").matcher(alerts);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(5);
        for (String name : names) {
            assertThat(tests).as("alerts_test.yml tests %s", name).contains("alertname: " + name);
            assertThat(operations).as("docs/operations.md explains %s", name).contains("`" + name + "`");
        }
    }

    @Test
    void theComposeFileParsesAndNamesFilesThatExist() throws Exception {
        Path root = DeployFiles.root();
        Path compose = DeployFiles.tool("/usr/bin/docker-compose", "docker-compose");
        Tool config = Tool.run(root, null, compose.toString(), "-f", "docker-compose.yml", "config");
        assertThat(config.exitCode()).as("%s", config).isZero();

        Map<String, Object> parsed = new Yaml().load(config.output());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) parsed.get("services");
        assertThat(services).containsOnlyKeys("rabbitmq", "prometheus", "grafana", "coordinator", "worker");
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Map<String, Object> s = service.getValue();
            assertThat(s).as("%s has a health check", service.getKey()).containsKey("healthcheck");
            if (s.get("image") instanceof String image && !s.containsKey("build")) {
                assertThat(image).as("%s image pinned", service.getKey()).matches(".+:v?[0-9]+\\.[0-9]+\\.[0-9]+.*");
            }
            if (s.get("build") instanceof Map<?, ?> build) {
                assertThat(Path.of((String) build.get("context")).resolve((String) build.get("dockerfile")))
                        .as("%s Dockerfile", service.getKey()).isRegularFile();
            }
        }
        // configuration comes from deploy/, bind-mounted read-only
        String text = Files.readString(root.resolve("docker-compose.yml"));
        Matcher mount = Pattern.compile("- (\\./deploy/[^:]+):([^:]+):ro").matcher(text);
        int mounts = 0;
        while (mount.find()) {
            assertThat(root.resolve(mount.group(1))).as("mounted %s", mount.group(1)).exists();
            mounts++;
        }
        assertThat(mounts).isEqualTo(4);
        assertThat(text).doesNotContainPattern("- \\./deploy/[^:]+:[^:\\n]+\\n");
    }

    @Test
    void theSystemdUnitsVerify() throws Exception {
        Path systemd = DeployFiles.root().resolve("deploy/systemd");
        Path analyze = DeployFiles.tool("/usr/bin/systemd-analyze", "systemd");
        for (String unit : List.of("facesweep-coordinator.service", "facesweep-worker.service")) {
            Tool verify = Tool.run(systemd, null, analyze.toString(), "verify", "./" + unit);
            assertThat(verify.exitCode()).as("%s", verify).isZero();
            assertThat(verify.output()).as("%s", verify).isBlank();
            assertThat(Files.readString(systemd.resolve(unit))).contains("EnvironmentFile=/etc/facesweep/");
        }
    }

    @Test
    void theDashboardFollowsTheCurrentGrafanaSchemaAndEveryQueryParses() throws Exception {
        Dashboard dashboard = Dashboard.load(DeployFiles.dashboard());
        JsonNode json = dashboard.json();
        assertThat(json.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(json.path("uid").asString()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(json.path("title").asString()).isNotBlank();
        assertThat(json.path("id").isNull()).as("no instance-specific id").isTrue();

        Map<String, JsonNode> variables = new LinkedHashMap<>();
        for (JsonNode v : json.path("templating").path("list")) {
            variables.put(v.path("name").asString(), v);
        }
        assertThat(variables).containsKeys("datasource", "scan", "worker");
        assertThat(variables.get("datasource").path("type").asString()).isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asString()).isEqualTo("prometheus");
        for (String name : List.of("scan", "worker")) {
            assertThat(variables.get(name).path("type").asString()).isEqualTo("query");
            assertThat(variables.get(name).path("datasource").path("uid").asString()).isEqualTo("${datasource}");
        }

        Set<Integer> ids = new HashSet<>();
        List<JsonNode> all = new ArrayList<>();
        json.path("panels").forEach(p -> {
            all.add(p);
            p.path("panels").forEach(all::add);
        });
        for (JsonNode panel : all) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            assertThat(panel.has("gridPos")).isTrue();
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString())
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as(panel.path("title").asString()).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
                assertThat(target.path("refId").asString()).isNotBlank();
            }
        }

        // every panel query parses: promtool checks each one as a recording rule
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Dashboard.Panel panel : dashboard.panels()) {
            for (String expr : panel.exprs()) {
                String promql = Dashboard.substitute(expr, Map.of("scan", "s", "worker", ".*"), "1m");
                rules.append("      - record: dashboard:query_").append(++n).append('\n')
                        .append("        expr: '").append(promql.replace("'", "''")).append("'\n");
            }
        }
        Path file = tmp.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Tool check = promtool("check", "rules", file.toString());
        assertThat(check.exitCode()).as("%s", check).isZero();
        assertThat(check.output()).contains("SUCCESS: " + n + " rules found");
    }
}
