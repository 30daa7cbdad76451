package io.mskbridge.local;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Events like the seed producer's ({@code KinesisProducer.send_record}): an {@code event_type}, a {@code timestamp}
 * (ISO-8601, as {@code datetime.utcnow().isoformat()} writes it), {@code version} "1.0", and per stream the fields the
 * seed's processors read. A seeded mix: about 3% invalid (no timestamp or no event_type), and in the transaction
 * stream about 2% very high amounts and 1% from blocked countries, which FraudFlag should catch.
 */
final class SampleEvents {

    /** The seeds' four streams (env "dev") with their shard counts from the seed guide. */
    static final List<String> STREAMS = List.of("maindatastream-dev", "clickstreamdatastream-dev", "iotdatastream-dev",
            "transactiondatastream-dev");
    static final Map<String, Integer> SHARDS = Map.of("maindatastream-dev", 2, "clickstreamdatastream-dev", 2,
            "iotdatastream-dev", 4, "transactiondatastream-dev", 2);

    /** One generated event: where it goes, its Kinesis partition key, its JSON fields, and what we expect of it. */
    record Event(String id, String stream, String partitionKey, Map<String, Object> fields, boolean valid, String fraudReason) {
    }

    private final Random random;
    private final Instant base;

    SampleEvents(long seed, Instant base) {
        this.random = new Random(seed);
        this.base = base.truncatedTo(ChronoUnit.SECONDS);
    }

    Event next(int n) {
        String stream = STREAMS.get(n % STREAMS.size());
        Map<String, Object> f = new LinkedHashMap<>();
        String id = "evt-" + n;
        f.put("id", id);
        String user = random.nextInt(100) < 8 ? null : "user-" + random.nextInt(500);
        String type;
        String fraud = null;
        switch (stream) {
            case "clickstreamdatastream-dev" -> {
                type = random.nextBoolean() ? "click" : "page_view";
                f.put("page", "/products/" + random.nextInt(200));
            }
            case "iotdatastream-dev" -> {
                type = "telemetry";
                f.put("device_id", "device-" + random.nextInt(50));
                f.put("temperature", BigDecimal.valueOf(15 + random.nextDouble() * 20).setScale(2, RoundingMode.HALF_EVEN));
            }
            case "transactiondatastream-dev" -> {
                type = random.nextInt(10) == 0 ? "refund" : "purchase";
                BigDecimal amount;
                int roll = random.nextInt(100);
                if (roll < 2) {
                    amount = BigDecimal.valueOf(5000 + random.nextInt(15000)).add(BigDecimal.valueOf(random.nextInt(100), 2));
                    fraud = "high_amount";
                } else {
                    amount = BigDecimal.valueOf(1 + random.nextInt(300)).add(BigDecimal.valueOf(random.nextInt(100), 2));
                }
                f.put("amount", amount);
                f.put("currency", random.nextInt(20) == 0 ? "JPY" : "USD");
                f.put("merchant", "merchant-" + random.nextInt(40));
                if (roll == 2) {
                    f.put("country", random.nextBoolean() ? "KP" : "IR");
                    fraud = fraud == null ? "blocked_value" : fraud;
                } else {
                    f.put("country", random.nextInt(4) == 0 ? "DE" : "US");
                }
            }
            default -> {
                type = random.nextBoolean() ? "user_action" : "page_view";
                f.put("action", random.nextBoolean() ? "click" : "scroll");
            }
        }
        f.put("event_type", type);
        if (user != null) {
            f.put("user_id", user);
        }
        if (random.nextInt(10) != 0) {
            f.put("session_id", "session-" + random.nextInt(2000));
        }
        if (random.nextInt(5) != 0) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("device", random.nextBoolean() ? "ios" : "web");
            metadata.put("app_version", "2." + random.nextInt(5));
            f.put("metadata", metadata);
        }
        // Unique per event (microseconds apart), so the seed's sk = timestamp never collides within pk.
        Instant ts = base.plus(n, ChronoUnit.MICROS);
        if (random.nextInt(20) == 0) {
            ts = ts.minus(2, ChronoUnit.HOURS); // stale: QualityScore takes off stale.penalty
        }
        f.put("timestamp", ts.toString().replace("Z", ""));
        f.put("version", "1.0");
        boolean valid = true;
        int bad = random.nextInt(100);
        if (bad < 2) {
            f.remove("timestamp");
            valid = false;
        } else if (bad < 3) {
            f.remove("event_type");
            valid = false;
        }
        return new Event(id, stream, user == null ? "anonymous" : user, f, valid, valid ? fraud : null);
    }
}
