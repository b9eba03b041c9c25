package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.coordinator.plan.PlanInputs;
import dev.facesweep.corpus.CorpusPath;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a verified plan into the operations of an apply, reading the corpus but changing nothing. Targets are
 * chosen here, so a resumed apply does exactly what the first run set out to do: a taken name gets a numeric
 * suffix ({@code a.png} -> {@code a-1.png}) and the op records it. Damaged .fsz archives and malformed manifests
 * become problems (left untouched), face sets without an archive a note.
 */
final class ApplyPlanner {

    static final String DROPPED = "_dropped";

    private final Path root;
    private final Plan plan;
    private final String applyId;
    private final List<Op> ops = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Set<String> claimed = new HashSet<>();
    private final Set<String> createdDirs = new HashSet<>();

    private ApplyPlanner(Path root, Plan plan, String applyId) {
        this.root = root;
        this.plan = plan;
        this.applyId = applyId;
    }

    static ApplyProgram program(Path root, Plan plan, String applyId) {
        ApplyPlanner p = new ApplyPlanner(root, plan, applyId);
        boolean changes = false;
        for (FacesetPlan f : plan.facesets()) {
            if (f.action() == Action.PRUNE && !f.drop().isEmpty()) {
                p.prune(f);
                changes = true;
            } else if (f.action().quarantines()) {
                p.quarantine(f);
                changes = true;
            }
        }
        if (changes) {
            p.master();
        }
        return new ApplyProgram(p.ops, p.problems, p.notes);
    }

    private void prune(FacesetPlan f) {
        Set<String> names = new LinkedHashSet<>();
        for (String rel : f.drop()) {
            String name = CorpusPaths.name(rel);
            names.add(name);
            String dropDir = CorpusPaths.join(CorpusPaths.parent(rel), DROPPED);
            mkdir(dropDir, f.name());
            String target = freeName(dropDir, name);
            ops.add(new Op(next(), OpType.MOVE, rel, target, plan.inputs().get(rel), f.name(), null, null, null,
                    !target.equals(CorpusPaths.join(dropDir, name))));
        }
        List<String> archives = new ArrayList<>();
        for (String input : plan.inputs().keySet()) {
            if (CorpusPaths.parent(input).equals(f.name()) && PlanInputs.isFsz(CorpusPaths.name(input))) {
                archives.add(input);
            }
        }
        archives.sort(null);
        if (archives.isEmpty()) {
            notes.add(f.name() + ": no .fsz archive, none created");
        }
        for (String archive : archives) {
            fsz(f, archive, names);
        }
        String manifest = f.name() + "/" + PlanInputs.MANIFEST;
        if (plan.inputs().containsKey(manifest)) {
            facesetManifest(f, manifest, names);
        } else {
            appearedSincePlan(manifest);
        }
    }

    private void fsz(FacesetPlan f, String archive, Set<String> names) {
        Fsz.Listing listing;
        try {
            listing = Fsz.read(CorpusPath.resolve(root, archive));
        } catch (Fsz.FszException e) {
            problems.add(archive + ": damaged archive (" + e.getMessage() + "), left untouched: it still holds the"
                    + " pruned images; rebuild it from " + f.name() + "/faces/ by hand");
            return;
        } catch (IOException e) {
            problems.add(archive + ": cannot read (" + e.getMessage() + "), left untouched");
            return;
        }
        List<String> hits = new ArrayList<>();
        Set<String> found = new HashSet<>();
        for (Fsz.Member m : listing.members()) {
            if (names.contains(m.baseName())) {
                hits.add(m.name());
                found.add(m.baseName());
            }
        }
        if (hits.isEmpty()) {
            notes.add(archive + ": holds none of the pruned images, left as is");
            return;
        }
        if (found.size() < names.size()) {
            notes.add(archive + ": " + (names.size() - found.size()) + " pruned image(s) were not in the archive");
        }
        rewrite(OpType.REWRITE_FSZ, archive, f.name(), new ArrayList<>(names));
    }

    private void facesetManifest(FacesetPlan f, String manifest, Set<String> names) {
        String text = readText(manifest);
        if (text == null) {
            return;
        }
        try {
            Manifests.FacesetEdit edit = Manifests.editFaceset(text, names);
            if (edit.removed().isEmpty()) {
                notes.add(manifest + ": no faces[] entry names a pruned image, left as is");
                return;
            }
        } catch (Manifests.MalformedManifest e) {
            problems.add(manifest + ": " + e.getMessage() + ", left untouched: its faces[] entries of the pruned"
                    + " images are stale; fix the file and edit it by hand");
            return;
        }
        rewrite(OpType.REWRITE_MANIFEST, manifest, f.name(), new ArrayList<>(names));
    }

    private void quarantine(FacesetPlan f) {
        String folder = f.action().quarantineFolder();
        mkdir(folder, null);
        String target = freeName(folder, f.name());
        ops.add(new Op(next(), OpType.MOVE_DIR, f.name(), target, null, f.name(), null, null, null,
                !target.equals(folder + "/" + f.name())));
    }

    private void master() {
        String manifest = PlanInputs.MANIFEST;
        InputFile before = plan.inputs().get(manifest);
        if (before == null) {
            if (appearedSincePlan(manifest)) {
                return;
            }
            ops.add(new Op(next(), OpType.UPDATE_MASTER, manifest, null, null, null, null, temp(manifest), null,
                    false));
            notes.add(manifest + ": no master manifest, one is created");
            return;
        }
        String text = readText(manifest);
        if (text == null) {
            return;
        }
        try {
            Manifests.checkMaster(text);
        } catch (Manifests.MalformedManifest e) {
            problems.add(manifest + " (master manifest): " + e.getMessage() + ", left untouched: the quarantined"
                    + " face sets are not recorded in it");
            return;
        }
        rewrite(OpType.UPDATE_MASTER, manifest, null, null);
    }

    private boolean appearedSincePlan(String rel) {
        if (Files.exists(CorpusPath.resolve(root, rel), LinkOption.NOFOLLOW_LINKS)) {
            problems.add(rel + ": appeared after the plan was made, left untouched (make the plan again to"
                    + " include it)");
            return true;
        }
        return false;
    }

    private void rewrite(OpType type, String rel, String faceset, List<String> names) {
        int seq = next();
        ops.add(new Op(seq, type, rel, null, plan.inputs().get(rel), faceset, names, temp(rel),
                "backup/" + seq + "-" + CorpusPaths.name(rel), false));
    }

    private String temp(String rel) {
        return CorpusPaths.join(CorpusPaths.parent(rel), "." + CorpusPaths.name(rel) + ".facesweep-" + applyId
                + ".tmp");
    }

    private void mkdir(String rel, String faceset) {
        if (createdDirs.contains(rel)) {
            return;
        }
        Path dir = CorpusPath.resolve(root, rel);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        createdDirs.add(rel);
        ops.add(new Op(next(), OpType.MKDIR, rel, null, null, faceset, null, null, null, false));
    }

    /** {@code dir/name}, or the first {@code dir/name-N} that neither exists nor is already a target. */
    private String freeName(String dir, String name) {
        for (int n = 0; ; n++) {
            String candidate = CorpusPaths.join(dir, n == 0 ? name : CorpusPaths.withSuffix(name, n));
            if (!claimed.contains(candidate)
                    && !Files.exists(CorpusPath.resolve(root, candidate), LinkOption.NOFOLLOW_LINKS)) {
                claimed.add(candidate);
                return candidate;
            }
        }
    }

    private String readText(String rel) {
        try {
            byte[] bytes = Files.readAllBytes(CorpusPath.resolve(root, rel));
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add(rel + ": is not UTF-8 text, left untouched");
        } catch (IOException e) {
            problems.add(rel + ": cannot read (" + e.getMessage() + "), left untouched");
        }
        return null;
    }

    private int next() {
        return ops.size() + 1;
    }
}
