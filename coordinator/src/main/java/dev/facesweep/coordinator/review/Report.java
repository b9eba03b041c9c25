package dev.facesweep.coordinator.review;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the static contact sheet: {@code index.html} and {@code thumbs/<sha256>.jpg} (taken from the state
 * folder's thumbnail cache, generated there first when missing).
 */
final class Report {

    /**
     * @param problems one line per image whose thumbnail could not be made (the page shows the reason instead)
     */
    record Result(Path index, int facesets, int images, int thumbnails, List<String> problems) {
    }

    private Report() {
    }

    static Result write(ReviewWorkspace workspace, ContactSheet sheet, Path outDir) throws IOException {
        Path thumbsDir = outDir.resolve("thumbs");
        Files.createDirectories(thumbsDir);
        Map<String, String> thumbs = new ConcurrentHashMap<>();
        Map<String, String> problems = new ConcurrentHashMap<>();
        Map<String, ContactSheet.Image> bySha = new LinkedHashMap<>();
        int images = 0;
        for (ContactSheet.Faceset f : sheet.facesets()) {
            for (ContactSheet.Image i : f.images()) {
                images++;
                if (i.sha256() != null && !i.status().equals(ImageStatus.UNREADABLE.css())) {
                    bySha.putIfAbsent(i.sha256().toLowerCase(Locale.ROOT), i);
                }
            }
        }
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "facesweep-thumbnails");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, ContactSheet.Image> e : bySha.entrySet()) {
                futures.add(pool.submit(() -> {
                    String sha = e.getKey();
                    ContactSheet.Image image = e.getValue();
                    try {
                        Path cached = workspace.thumbnail(sheet.scan().root(), image.path(), sha);
                        String name = sha + ".jpg";
                        Path target = thumbsDir.resolve(name);
                        if (!Files.isRegularFile(target) || Files.size(target) != Files.size(cached)) {
                            Files.copy(cached, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        thumbs.put(sha, name);
                    } catch (ThumbnailException | ReviewException | IOException ex) {
                        problems.put(sha, image.path() + ": no thumbnail: " + ex.getMessage());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making thumbnails", e);
        } catch (ExecutionException e) {
            throw new IOException("making thumbnails failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        ReportWriter.Previews previews = new ReportWriter.Previews() {
            @Override
            public String thumbnail(ContactSheet.Image image) {
                return image.sha256() == null ? null : thumbs.get(image.sha256().toLowerCase(Locale.ROOT));
            }

            @Override
            public String problem(ContactSheet.Image image) {
                if (image.status().equals(ImageStatus.UNREADABLE.css())) {
                    return "unreadable";
                }
                String problem = image.sha256() == null ? null : problems.get(image.sha256().toLowerCase(Locale.ROOT));
                return problem == null ? null : problem.substring(problem.indexOf(": no thumbnail: ") + 2);
            }
        };
        String html = ReportWriter.html(sheet, previews, workspace.thumbnailSize());
        ReportWriter.writeIndex(outDir, html);
        List<String> problemLines = new ArrayList<>(problems.values());
        Collections.sort(problemLines);
        return new Result(outDir.resolve("index.html"), sheet.facesets().size(), images, thumbs.size(),
                problemLines);
    }
}
