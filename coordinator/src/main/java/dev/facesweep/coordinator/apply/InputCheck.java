package dev.facesweep.coordinator.apply;

import dev.facesweep.coordinator.plan.Action;
import dev.facesweep.coordinator.plan.FacesetPlan;
import dev.facesweep.coordinator.plan.InputFile;
import dev.facesweep.coordinator.plan.Plan;
import dev.facesweep.corpus.ContentHash;
import dev.facesweep.corpus.CorpusPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Checks a plan against the corpus before anything is changed: every input's size and sha256, every path inside
 * the root, every image to drop recorded as an input.
 */
final class InputCheck {

    private InputCheck() {
    }

    /**
     * One line per file that differs from the plan; empty when the corpus is as planned.
     *
     * @param include which inputs to check (a resume checks only the ones still at their place)
     * @param progress called with the number of files checked so far
     */
    static List<String> changedFiles(Path root, Plan plan, Predicate<String> include,
            java.util.function.IntConsumer progress) {
        List<String> changed = new ArrayList<>();
        ContentHash hash = new ContentHash();
        int done = 0;
        for (Map.Entry<String, InputFile> e : new TreeMap<>(plan.inputs()).entrySet()) {
            String rel = e.getKey();
            Path file;
            try {
                file = CorpusPath.resolve(root, rel);
            } catch (IllegalArgumentException ex) {
                changed.add(rel + ": " + ex.getMessage());
                continue;
            }
            if (!include.test(rel)) {
                continue;
            }
            InputFile want = e.getValue();
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                changed.add(rel + ": missing (the plan recorded " + want.size() + " bytes)");
                continue;
            }
            try {
                long size = Files.size(file);
                if (size != want.size()) {
                    changed.add(rel + ": size changed (" + want.size() + " -> " + size + " bytes)");
                } else if (!hash.sha256(file).equals(want.sha256())) {
                    changed.add(rel + ": content changed (sha256 differs, same size)");
                }
            } catch (IOException ex) {
                changed.add(rel + ": cannot read (" + ex.getMessage() + ")");
            }
            progress.accept(++done);
        }
        for (FacesetPlan f : plan.facesets()) {
            if (f.action() == Action.PRUNE) {
                for (String rel : f.drop()) {
                    if (!plan.inputs().containsKey(rel)) {
                        changed.add(rel + ": to be dropped but the plan recorded no size and sha256 for it (make"
                                + " the plan again)");
                    }
                }
            }
            if (f.action() != Action.KEEP) {
                if (f.name().contains("/")) {
                    changed.add("face set " + f.name() + ": a face-set name is one folder name, without '/'");
                    continue;
                }
                try {
                    CorpusPath.resolve(root, f.name());
                } catch (IllegalArgumentException ex) {
                    changed.add("face set " + f.name() + ": " + ex.getMessage());
                }
            }
        }
        return changed;
    }
}
