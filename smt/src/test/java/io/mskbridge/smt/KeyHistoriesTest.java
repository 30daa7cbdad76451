package io.mskbridge.smt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyHistoriesTest {

    @Test
    void equalKeysShareOneHistoryAndTextComparesByContent() {
        KeyHistories histories = new KeyHistories(10, 5, 5);
        KeyHistory u = histories.of("user1");
        assertThat(histories.of("user1")).isSameAs(u);
        assertThat(histories.of(new StringBuilder("user1"))).isSameAs(u);
        assertThat(histories.of("user2")).isNotSameAs(u);
        // a number is not its text
        assertThat(histories.of(1L)).isNotSameAs(histories.of("1"));
        assertThat(histories.size()).isEqualTo(4);
    }

    @Test
    void evictsTheLeastRecentlySeenKey() {
        KeyHistories histories = new KeyHistories(3, 5, 0);
        KeyHistory a = histories.of("a");
        KeyHistory b = histories.of("b");
        histories.of("c");
        histories.of("a");
        histories.of("d");
        assertThat(histories.size()).isEqualTo(3);
        assertThat(histories.of("a")).isSameAs(a);
        // "b" was evicted: it comes back with a fresh history, which evicts "c"
        assertThat(histories.of("b")).isNotSameAs(b);
        assertThat(histories.size()).isEqualTo(3);
    }

    @Test
    void historiesGetTheConfiguredCapacities() {
        KeyHistories histories = new KeyHistories(10, 2, 3);
        KeyHistory h = histories.of("k");
        for (int i = 0; i < 10; i++) {
            h.recordEvent(i, 1_000);
            h.addAmount(i);
        }
        assertThat(h.recordEvent(10, 1_000)).isEqualTo(2);
        assertThat(h.samples()).isEqualTo(3);
    }

    @Test
    void clearForgetsEveryKey() {
        KeyHistories histories = new KeyHistories(10, 1, 1);
        KeyHistory a = histories.of("a");
        histories.of("b");
        histories.clear();
        assertThat(histories.size()).isZero();
        assertThat(histories.of("a")).isNotSameAs(a);
    }
}
