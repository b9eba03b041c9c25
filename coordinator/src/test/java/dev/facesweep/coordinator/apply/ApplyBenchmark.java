package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.Overrides;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanBuilder;
import dev.facesweep.coordinator.plan.PlanImage;
import dev.facesweep.coordinator.plan.PlanInputs;
import dev.facesweep.coordinator.plan.PlanSummary;
import dev.facesweep.coordinator.plan.Thresholds;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Apply and revert on a generated corpus (default 10,000 images of ~100 kB in face sets of 25, each with a stored
 * .fsz and a manifest; 60 % of face sets pruned, 10 % masked, 5 % thin). Prints wall times per phase, files per
 * second and the share of time spent rebuilding .fsz archives. Not a test; run by hand (docs/benchmarks.md):
 *
 * <pre>
 * java -cp ... dev.facesweep.coordinator.apply.ApplyBenchmark [WORK_DIR] [IMAGES] [KB_PER_IMAGE]
 * </pre>
 */
final class ApplyBenchmark {

    private ApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("facesweep-apply-bench");
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int kb = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path root = work.resolve("corpus");
        Path state = work.resolve("state");
        delete(work);
        Files.createDirectories(root);

        long t0 = System.nanoTime();
        List<PlanImage> scored = generate(root, images, kb * 1024, new Random(42));
        long t1 = System.nanoTime();
        System.out.printf(Locale.ROOT, "generated %d images (%d kB each, +/-20%%) with .fsz archives and manifests"
                + " in %.1f s%n", scored.size(), kb, secs(t1 - t0));

        Thresholds thresholds = Thresholds.defaults();
        List<FacesetPlan> facesets = PlanBuilder.build(scored, thresholds, Overrides.none());
        long t2 = System.nanoTime();
        PlanInputs inputs = PlanInputs.collect(root, facesets);
        long t3 = System.nanoTime();
        Plan plan = new Plan("bench", "bench", root.toString(), Instant.now(), "bench-model", "bench-hash",
                thresholds, Overrides.none(), facesets, inputs.inputs());
        PlanSummary s = PlanSummary.of(facesets);
        long bytes = inputs.inputs().values().stream().mapToLong(i -> i.size()).sum();
        System.out.printf(Locale.ROOT, "plan: %s face sets; %d images to prune, %d in quarantined face sets;"
                + " %d input files (%.0f MB) hashed in %.1f s (%.0f files/s, %.0f MB/s)%n", s.facesetsByAction(),
                s.drop(), s.quarantinedImages(), inputs.inputs().size(), bytes / 1e6, secs(t3 - t2),
                inputs.inputs().size() / secs(t3 - t2), bytes / 1e6 / secs(t3 - t2));

        Timing applyTiming = new Timing();
        Applies applies = new Applies(state, Clock.systemUTC(), applyTiming, applyTiming);
        long a0 = System.nanoTime();
        ApplyOutcome outcome = applies.apply(plan, "bench");
        long a1 = System.nanoTime();
        applyTiming.end(a1);
        int moved = s.drop() + (int) countQuarantinedFiles(plan);
        System.out.printf(Locale.ROOT, "apply: %d ops %s in %.1f s; checking inputs %.1f s, operations %.1f s;"
                + " %d files moved or rewritten -> %.0f files/s overall%n", outcome.done().values().stream()
                .mapToInt(Integer::intValue).sum(), outcome.done(), secs(a1 - a0), applyTiming.phase("checking inputs"),
                applyTiming.phase("applying"), moved + outcome.done().getOrDefault(OpType.REWRITE_FSZ, 0)
                + outcome.done().getOrDefault(OpType.REWRITE_MANIFEST, 0),
                (moved + outcome.done().getOrDefault(OpType.REWRITE_FSZ, 0)
                        + outcome.done().getOrDefault(OpType.REWRITE_MANIFEST, 0)) / secs(a1 - a0));
        double fszOps = applyTiming.opSeconds("rewrite_fsz");
        double rezip = applyTiming.segment("rewrite_fsz", "backup", "temp");
        System.out.printf(Locale.ROOT, "apply time by operation type: %s%n", applyTiming.byType());
        System.out.printf(Locale.ROOT, ".fsz rewrites: %.1f s = %.0f %% of the apply (re-zipping itself, i.e."
                + " building and hashing the new archive: %.1f s = %.0f %%; backup copy %.1f s)%n", fszOps,
                100 * fszOps / secs(a1 - a0), rezip, 100 * rezip / secs(a1 - a0),
                applyTiming.segment("rewrite_fsz", "intent", "backup"));
        if (!outcome.clean()) {
            System.out.println("apply problems: " + outcome.failures() + outcome.problems());
        }

        Timing revertTiming = new Timing();
        Applies reverts = new Applies(state, Clock.systemUTC(), revertTiming, revertTiming);
        long r0 = System.nanoTime();
        ApplyOutcome undone = reverts.revert(outcome.applyId());
        long r1 = System.nanoTime();
        revertTiming.end(r1);
        int undoneCount = undone.done().values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf(Locale.ROOT, "revert: %d ops undone %s in %.1f s; checking %.1f s (every moved file"
                + " hashed), undoing %.1f s -> %.0f files/s overall%n", undoneCount, undone.done(), secs(r1 - r0),
                revertTiming.phase("checking"), revertTiming.phase("reverting"),
                (moved + outcome.done().getOrDefault(OpType.REWRITE_FSZ, 0)
                        + outcome.done().getOrDefault(OpType.REWRITE_MANIFEST, 0)) / secs(r1 - r0));
        System.out.printf(Locale.ROOT, "journal size %d kB, backups %.0f MB%n",
                Files.size(state.resolve("applies").resolve(outcome.applyId()).resolve("journal.jsonl")) / 1024,
                size(state.resolve("applies").resolve(outcome.applyId()).resolve("backup")) / 1e6);
        if (args.length <= 3 || !args[3].equals("--keep")) {
            delete(work);
        }
    }

    private static long countQuarantinedFiles(Plan plan) {
        long n = 0;
        for (FacesetPlan f : plan.facesets()) {
            if (f.action().quarantines()) {
                n += plan.inputs().keySet().stream().filter(k -> k.startsWith(f.name() + "/")).count();
            }
        }
        return n;
    }

    private static List<PlanImage> generate(Path root, int total, int size, Random random) throws IOException {
        List<PlanImage> out = new ArrayList<>();
        int set = 0;
        int made = 0;
        while (made < total) {
            int kind = set % 20;
            Action action = kind < 12 ? Action.PRUNE : kind < 14 ? Action.QUARANTINE_MASKED
                    : kind == 14 ? Action.QUARANTINE_THIN : Action.KEEP;
            int n = Math.min(action == Action.QUARANTINE_THIN ? 6 : 25, total - made);
            String name = String.format(Locale.ROOT, "faceset_%04d", set);
            Path faces = root.resolve(name).resolve("faces");
            Files.createDirectories(faces);
            StringBuilder manifest = new StringBuilder("{\n  \"name\": \"" + name + "\",\n  \"faces\": [");
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(
                    root.resolve(name).resolve(name + ".fsz")), 1 << 16); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (int i = 0; i < n; i++) {
                    String file = String.format(Locale.ROOT, "%04d.png", i);
                    byte[] bytes = new byte[(int) (size * (0.8 + 0.4 * random.nextDouble()))];
                    random.nextBytes(bytes);
                    Files.write(faces.resolve(file), bytes);
                    ZipEntry e = new ZipEntry(file);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(bytes.length);
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    e.setCrc(crc.getValue());
                    zip.putNextEntry(e);
                    zip.write(bytes);
                    zip.closeEntry();
                    manifest.append(i == 0 ? "" : ",").append("\n    {\n      \"file\": \"faces/").append(file)
                            .append("\",\n      \"frame\": ").append(i).append("\n    }");
                    boolean flagged = switch (action) {
                        case PRUNE -> i < 2 + set % 2;
                        case QUARANTINE_MASKED -> i % 2 == 0;
                        case QUARANTINE_THIN -> i < 2;
                        default -> false;
                    };
                    Map<String, Double> scores = new LinkedHashMap<>();
                    scores.put("mask", flagged ? 0.9 : 0.1);
                    scores.put("sunglasses", 0.2);
                    out.add(PlanImage.scored(name, name + "/faces/" + file, scores));
                }
            }
            Files.writeString(root.resolve(name).resolve("manifest.json"), manifest.append("\n  ]\n}\n"));
            made += n;
            set++;
        }
        Files.writeString(root.resolve("manifest.json"), "{\n  \"masked\": [],\n  \"thin\": []\n}\n");
        return out;
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Times phases (from the listener) and checkpoints (label -> time). */
    private static final class Timing implements Checkpoints, Applies.Listener {
        private final Map<String, Long> phaseStart = new LinkedHashMap<>();
        private final Map<String, Double> phases = new LinkedHashMap<>();
        private final List<String> labels = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();
        private String currentPhase;

        @Override
        public void phase(String name, int total) {
            long now = System.nanoTime();
            closePhase(now);
            currentPhase = name;
            phaseStart.put(name, now);
        }

        void end(long now) {
            closePhase(now);
            labels.add("end");
            times.add(now);
        }

        private void closePhase(long now) {
            if (currentPhase != null) {
                phases.merge(currentPhase, secs(now - phaseStart.get(currentPhase)), Double::sum);
                currentPhase = null;
            }
        }

        double phase(String name) {
            return phases.getOrDefault(name, 0.0);
        }

        @Override
        public void reached(String label) {
            labels.add(label);
            times.add(System.nanoTime());
        }

        /** Seconds from each op's intent to the next op's intent, summed per type. */
        Map<String, String> byType() {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                String[] parts = labels.get(i).split(" ");
                if (parts.length == 4 && parts[3].equals("intent")) {
                    int next = nextIntent(i);
                    sums.merge(parts[2], secs(times.get(next) - times.get(i)), Double::sum);
                }
            }
            Map<String, String> out = new LinkedHashMap<>();
            sums.forEach((k, v) -> out.put(k, String.format(Locale.ROOT, "%.1f s", v)));
            return out;
        }

        double opSeconds(String type) {
            double sum = 0;
            for (int i = 0; i < labels.size(); i++) {
                String[] parts = labels.get(i).split(" ");
                if (parts.length == 4 && parts[2].equals(type) && parts[3].equals("intent")) {
                    sum += secs(times.get(nextIntent(i)) - times.get(i));
                }
            }
            return sum;
        }

        /** Seconds between two checkpoints of the same op, summed over ops of a type. */
        double segment(String type, String from, String to) {
            double sum = 0;
            for (int i = 0; i < labels.size(); i++) {
                String[] parts = labels.get(i).split(" ");
                if (parts.length == 4 && parts[2].equals(type) && parts[3].equals(from)) {
                    String prefix = parts[0] + " " + parts[1] + " " + parts[2] + " ";
                    for (int j = i + 1; j < labels.size(); j++) {
                        if (labels.get(j).equals(prefix + to)) {
                            sum += secs(times.get(j) - times.get(i));
                            break;
                        }
                    }
                }
            }
            return sum;
        }

        private int nextIntent(int i) {
            for (int j = i + 1; j < labels.size(); j++) {
                if (labels.get(j).endsWith(" intent") || labels.get(j).equals("end")) {
                    return j;
                }
            }
            return labels.size() - 1;
        }
    }
}
