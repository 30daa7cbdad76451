package io.mskbridge.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The reconciliation report the local pipeline prints. */
final class Report {

    int produced;
    int gzipped;
    int aggregated;
    int valid;
    int invalid;
    int kafkaValid;
    int kafkaInvalid;
    int crashes;
    double produceSeconds;
    double totalSeconds;
    final Map<String, int[]> topics = new LinkedHashMap<>();
    final List<String> stores = new ArrayList<>();
    int fraudFlagged;
    Map<String, Integer> fraudByReason = Map.of();
    Map<String, int[]> plantedFraud = Map.of();
    List<Double> quality = List.of();
    List<Long> latencies = List.of();
    List<Long> dynamoLatencies = List.of();
    List<Long> s3Latencies = List.of();
    String consumerMode = "polling";
    List<String> problems = List.of();

    boolean balanced() {
        return problems.isEmpty() && produced == kafkaValid + kafkaInvalid;
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n==================== MSK Bridge local pipeline: reconciliation ====================\n");
        sb.append(String.format("Produced        %7d events into 4 Kinesis streams in %.1f s (%.0f events/s)%n", produced, produceSeconds,
                produceSeconds > 0 ? produced / produceSeconds : 0));
        sb.append(String.format("  as producers send them: %d gzipped (the seed's recipe), %d in KPL aggregates, the rest plain JSON%n",
                gzipped, aggregated));
        if (crashes > 0) {
            sb.append(String.format("Crash test      Connect worker SIGKILLed %d times mid-run and restarted%n", crashes));
        }
        sb.append("Kafka topics (distinct events / expected)\n");
        topics.forEach((t, c) -> sb.append(String.format("  %-36s %7d / %d%n", t, c[0], c[1])));
        sb.append(String.format("Valid/invalid   %7d / %d in Kafka (generator: %d / %d); produced == valid + invalid: %s%n",
                kafkaValid, kafkaInvalid, valid, invalid, produced == kafkaValid + kafkaInvalid ? "yes" : "NO"));
        stores.forEach(s -> sb.append(s).append('\n'));
        sb.append(String.format("Fraud flags     %7d records flagged; by reason: %s%n", fraudFlagged, fraudByReason));
        plantedFraud.forEach((reason, c) -> sb.append(String.format("  planted %-14s %5d, flagged with that reason %d%n", reason, c[0], c[1])));
        sb.append("Quality score histogram (processed records)\n");
        int[] buckets = new int[11];
        for (double q : quality) {
            buckets[(int) Math.min(10, Math.floor(q * 10 + 1e-9))]++;
        }
        int max = 1;
        for (int b : buckets) {
            max = Math.max(max, b);
        }
        for (int i = 0; i <= 10; i++) {
            if (buckets[i] > 0) {
                sb.append(String.format("  %.1f%s %7d %s%n", i / 10.0, i == 10 ? "    " : "-" + String.format("%.1f", (i + 1) / 10.0).substring(0, 3),
                        buckets[i], "#".repeat(Math.max(1, buckets[i] * 40 / max))));
            }
        }
        if (!latencies.isEmpty()) {
            sb.append(String.format("Latency         (sources in %s mode) Kinesis put ->%n", consumerMode));
            latencyLine(sb, "Kafka append", latencies, "LogAppendTime");
            latencyLine(sb, "DynamoDB item", dynamoLatencies, "first seen by a scan every 1 s");
            latencyLine(sb, "S3 object", s3Latencies, "object Last-Modified; objects close every 5 s here");
        }
        sb.append(String.format("Throughput      %d events end to end in %.1f s (%.0f events/s, including stack start-up)%n", produced,
                totalSeconds, totalSeconds > 0 ? produced / totalSeconds : 0));
        if (balanced()) {
            sb.append("RESULT          BALANCED: every event is where it must be, exactly once\n");
        } else {
            sb.append("RESULT          NOT BALANCED:\n");
            problems.forEach(p -> sb.append("  - ").append(p).append('\n'));
        }
        return sb.toString();
    }

    private static void latencyLine(StringBuilder sb, String to, List<Long> sorted, String how) {
        if (!sorted.isEmpty()) {
            sb.append(String.format("  %-14s p50 %d ms, p95 %d ms, p99 %d ms (%d records; %s)%n", to, pct(sorted, 0.50),
                    pct(sorted, 0.95), pct(sorted, 0.99), sorted.size(), how));
        }
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
