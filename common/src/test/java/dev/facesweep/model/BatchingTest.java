package dev.facesweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facesweep.model.Batching.Chunk;
import org.junit.jupiter.api.Test;

class BatchingTest {

    @Test
    void fixedBatchPadsOnlyTheLastRun() {
        assertThat(Batching.plan(10, 4, true)).containsExactly(
                new Chunk(0, 4, 4), new Chunk(4, 4, 4), new Chunk(8, 2, 4));
        assertThat(Batching.plan(10, 4, true).get(2).padding()).isEqualTo(2);
    }

    @Test
    void dynamicBatchRunsTheRemainderUnpadded() {
        assertThat(Batching.plan(10, 4, false)).containsExactly(
                new Chunk(0, 4, 4), new Chunk(4, 4, 4), new Chunk(8, 2, 2));
    }

    @Test
    void exactMultipleNeedsNoPadding() {
        assertThat(Batching.plan(8, 4, true)).extracting(Chunk::padding).containsOnly(0);
    }

    @Test
    void batchOfOneRunsEachItemAlone() {
        assertThat(Batching.plan(3, 1, true)).containsExactly(
                new Chunk(0, 1, 1), new Chunk(1, 1, 1), new Chunk(2, 1, 1));
    }

    @Test
    void fewerItemsThanABatchArePaddedToTheFullSize() {
        assertThat(Batching.plan(1, 8, true)).containsExactly(new Chunk(0, 1, 8));
    }

    @Test
    void nothingToRun() {
        assertThat(Batching.plan(0, 4, true)).isEmpty();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Batching.plan(3, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Batching.plan(-1, 2, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
