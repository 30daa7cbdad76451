package io.mskbridge.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mskbridge.common.Backoff;

/**
 * Retries an operation with {@link Backoff} until it succeeds, fails with a non-retriable exception,
 * or the next sleep would pass the deadline. Used for the bounded waits of docs/ARCHITECTURE.md, Errors: a sink retries
 * a throttled batch for a while, then gives up and lets Connect redeliver ({@code RetriableException}).
 *
 * <p>On giving up the last failure is rethrown unchanged (checked ones wrapped in
 * {@link ConnectException}) so the caller can classify it with {@link AwsErrors}. Clock and sleeper are
 * injectable for tests. Instances are immutable and thread-safe.
 */
public final class Retry {

    private static final Logger log = LoggerFactory.getLogger(Retry.class);

    /** Sleeps; injectable so tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Backoff backoff;
    private final long deadlineNanos;
    private final int maxAttempts;
    private final Predicate<Throwable> retriable;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    private Retry(Builder b) {
        this.backoff = Objects.requireNonNull(b.backoff, "backoff");
        this.deadlineNanos = b.deadline.toNanos();
        this.maxAttempts = b.maxAttempts;
        this.retriable = b.retriable;
        this.nanoClock = b.nanoClock;
        this.sleeper = b.sleeper;
    }

    public static Builder builder(Backoff backoff) {
        return new Builder(backoff);
    }

    /**
     * Runs {@code op}, retrying retriable failures.
     *
     * @param description what is being done, for logs, e.g. "BatchWriteItem on table orders"
     */
    public <T> T call(String description, Callable<T> op) {
        long start = nanoClock.getAsLong();
        for (int attempt = 0; ; attempt++) {
            try {
                return op.call();
            } catch (Exception e) {
                if (!retriable.test(e) || attempt + 1 >= maxAttempts) {
                    throw rethrow(description, e);
                }
                long delay = backoff.delayMillis(attempt);
                long elapsed = nanoClock.getAsLong() - start;
                if (elapsed + delay * 1_000_000L > deadlineNanos) {
                    log.debug("{}: giving up after {} attempts in {} ms", description, attempt + 1, elapsed / 1_000_000L);
                    throw rethrow(description, e);
                }
                if (log.isDebugEnabled()) {
                    log.debug("{}: attempt {} failed ({}), retrying in {} ms", description, attempt + 1,
                            AwsErrors.describe(e), delay);
                }
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    // Stopping the task interrupts us: surface the real failure, keep the interrupt visible.
                    Thread.currentThread().interrupt();
                    e.addSuppressed(ie);
                    throw rethrow(description, e);
                }
            }
        }
    }

    /** As {@link #call} for operations without a result. */
    public void run(String description, Runnable op) {
        call(description, () -> {
            op.run();
            return null;
        });
    }

    private static RuntimeException rethrow(String description, Exception e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        return new ConnectException(description + " failed: " + e.getMessage(), e);
    }

    /** Builder; defaults: no deadline, unlimited attempts, retry what {@link AwsErrors#isRetriable} says. */
    public static final class Builder {
        private final Backoff backoff;
        private Duration deadline = Duration.ofMillis(Long.MAX_VALUE / 1_000_000L);
        private int maxAttempts = Integer.MAX_VALUE;
        private Predicate<Throwable> retriable = AwsErrors::isRetriable;
        private LongSupplier nanoClock = System::nanoTime;
        private Sleeper sleeper = Thread::sleep;

        private Builder(Backoff backoff) {
            this.backoff = backoff;
        }

        /** Total time budget from the first attempt; no sleep is started that would end past it. */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Upper bound on attempts (first call included). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder retryIf(Predicate<Throwable> retriable) {
            this.retriable = Objects.requireNonNull(retriable);
            return this;
        }

        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock);
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        public Retry build() {
            return new Retry(this);
        }
    }
}
