package io.mskbridge.harness.integration;

import io.mskbridge.harness.KafkaBroker;
import io.mskbridge.harness.SharedServers;

/**
 * The broker the harness ITs share, with a retention check every 500 ms. ConnectClusterIT runs first
 * (junit-platform.properties orders the classes by {@code @Order}), so by the time KafkaBrokerRetentionIT runs,
 * the broker's first retention check (Kafka 3.7 runs it 30 s after start, a fixed delay) has passed or is close:
 * the retention test no longer waits out a start-up of its own.
 */
final class HarnessItServers {

    static final KafkaBroker KAFKA = new KafkaBroker().withProperty("log.retention.check.interval.ms", "500");

    private HarnessItServers() {
    }

    static SharedServers kafka() {
        return SharedServers.of("harness-kafka", KAFKA);
    }
}
