package dev.facesweep.coordinator.store;

import java.util.Locale;

/** The two databases the store runs on; the SQL is shared, only streaming reads differ. */
enum Dialect {
    SQLITE,
    POSTGRESQL;

    static Dialect of(String productName) {
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.contains("sqlite")) {
            return SQLITE;
        }
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new StoreException("the store supports SQLite and PostgreSQL, not " + productName
                + "; use a jdbc:sqlite: or jdbc:postgresql: URL");
    }
}
