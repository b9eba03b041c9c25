package dev.facesweep.coordinator.scan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain SQL over a scan store's SQLite file, independent of the store code under test; safe to use while another
 * process writes the store (SQLite WAL: readers see the last commit).
 */
final class StoreView {

    /** One image row of a scan. */
    record Image(String path, String sha256, String state, String error, String batchId, String workerId) {
    }

    /** One batch row. */
    record Batch(String id, String state, int attempts, String workerId, String error) {
    }

    private final String url;

    StoreView(Path stateDir) {
        this.url = "jdbc:sqlite:" + stateDir.resolve("facesweep.db").toAbsolutePath();
    }

    /** The most recent scan's id, or null when there is none yet. */
    String latestScan() throws SQLException {
        List<String> ids = strings("SELECT id FROM scan ORDER BY created_at DESC, id DESC LIMIT 1");
        return ids.isEmpty() ? null : ids.get(0);
    }

    Map<String, Image> images(String scanId) throws SQLException {
        Map<String, Image> images = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
                "SELECT rel_path, sha256, state, error, batch_id, worker_id FROM scan_image WHERE scan_id = ?")) {
            ps.setString(1, scanId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    images.put(rs.getString(1), new Image(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return images;
    }

    Map<String, Batch> batches(String scanId) throws SQLException {
        Map<String, Batch> batches = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
                "SELECT id, state, attempts, worker_id, error FROM batch WHERE scan_id = ?")) {
            ps.setString(1, scanId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batches.put(rs.getString(1), new Batch(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
        }
        return batches;
    }

    long count(String scanId, String state) throws SQLException {
        return images(scanId).values().stream().filter(i -> i.state().equals(state)).count();
    }

    /** Result rows per sha256 under the scan's model and prompt set. */
    Map<String, Integer> resultRows(String scanId) throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(
                "SELECT r.sha256, COUNT(*) FROM result r JOIN scan s ON r.model_id = s.model_id"
                        + " AND r.prompt_hash = s.prompt_hash WHERE s.id = ? GROUP BY r.sha256")) {
            ps.setString(1, scanId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return rows;
    }

    /** Distinct sha256 of the scan's images in one of the states. */
    Set<String> shas(String scanId, String... states) throws SQLException {
        Set<String> wanted = Set.of(states);
        Set<String> shas = new HashSet<>();
        for (Image image : images(scanId).values()) {
            if (wanted.contains(image.state()) && image.sha256() != null) {
                shas.add(image.sha256());
            }
        }
        return shas;
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
