package dev.facesweep.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures make the store run a write transaction again (PostgreSQL's deadlock victims). */
class TransactionRetryTest {

    @Test
    void deadlockAndSerializationFailuresAreRetriedWhereverTheyAreInTheChain() {
        SQLException deadlock = new SQLException("deadlock detected", "40P01");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 8 was aborted", "", new int[0]);
        batch.setNextException(deadlock);

        assertThat(ScanStore.retryable(deadlock)).isTrue();
        assertThat(ScanStore.retryable(new SQLException("could not serialize access", "40001"))).isTrue();
        assertThat(ScanStore.retryable(batch)).isTrue();
        assertThat(ScanStore.retryable(new SQLException("wrapped", "XX000", deadlock))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(ScanStore.retryable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(ScanStore.retryable(new SQLException("database is locked"))).isFalse();
    }
}
