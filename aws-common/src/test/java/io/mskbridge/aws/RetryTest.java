package io.mskbridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import io.mskbridge.common.Backoff;

class RetryTest {

    private final AtomicLong now = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();

    private Retry.Builder retry() {
        // Fixed delay = ceiling/2; the fake clock advances only when "sleeping".
        return Retry.builder(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5))
                .nanoClock(now::get)
                .sleeper(ms -> {
                    sleeps.add(ms);
                    now.addAndGet(ms * 1_000_000L);
                });
    }

    private static AwsServiceException throttled() {
        return AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
    }

    private static AwsServiceException denied() {
        return AwsServiceException.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
    }

    @Test
    void retriesRetriableFailuresWithBackoffUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();
        String result = retry().build().call("op", () -> {
            if (calls.incrementAndGet() < 4) {
                throw throttled();
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(sleeps).containsExactly(50L, 100L, 200L);
    }

    @Test
    void fatalFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry().build().call("op", () -> {
            calls.incrementAndGet();
            throw denied();
        })).isInstanceOf(AwsServiceException.class);
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void stopsBeforeASleepThatWouldPassTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        AwsServiceException last = throttled();
        // Sleeps 50, 100, 200 (total 350) fit in 400 ms; the next (400) would not.
        assertThatThrownBy(() -> retry().deadline(Duration.ofMillis(400)).build().run("op", () -> {
            calls.incrementAndGet();
            throw last;
        })).isSameAs(last);
        assertThat(calls).hasValue(4);
        assertThat(sleeps).containsExactly(50L, 100L, 200L);
    }

    @Test
    void maxAttemptsBoundsCalls() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry().maxAttempts(2).build().run("op", () -> {
            calls.incrementAndGet();
            throw throttled();
        })).isInstanceOf(AwsServiceException.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void checkedExceptionsAreWrappedWithTheDescription() {
        assertThatThrownBy(() -> retry().maxAttempts(1).build().call("Upload part 3", () -> {
            throw new IOException("reset");
        })).isInstanceOf(ConnectException.class).hasMessageContaining("Upload part 3 failed: reset")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void interruptStopsRetryingAndKeepsTheFlag() {
        Retry r = Retry.builder(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5))
                .sleeper(ms -> {
                    throw new InterruptedException();
                }).build();
        AwsServiceException e = throttled();
        try {
            assertThatThrownBy(() -> r.run("op", () -> {
                throw e;
            })).isSameAs(e);
            assertThat(e.getSuppressed()).hasOnlyElementsOfType(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
