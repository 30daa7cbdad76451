package io.mskbridge.dynamodb.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs {@link CloudWatchOverheadBenchmark} and prints, per publisher mode, the ratio of the data path's throughput
 * with the publisher on to off, with its error. Every iteration of a fork yields one paired figure (the same
 * records put to a publisher-off and a publisher-on task, alternately, in the same second); the ratio is the mean
 * over all iterations of all forks, its error JMH's score error of that mean (99.9 % confidence interval, Student's
 * t, {@link ListStatistics#getMeanErrorAt}). {@code forks} forks per mode, the modes in a rotating order. Measures:
 * records per CPU-second of the data path plus the publisher's threads (the headline: what the publisher costs a
 * CPU-bound worker; the publisher's CPU of an iteration counts in the share of the iteration the publishing task
 * ran, as a task that ran the whole time would pay all of it), of the data path alone (whether the publisher slows the data path's own work, e.g. through a
 * shared lock), and per wall-clock second. Mode {@code off} runs two equal tasks: its ratio shows the method's own
 * accuracy.
 *
 * <p>Arguments: forks per mode, warm-up iterations, measurement iterations, seconds per iteration. Run with
 * {@code mvn -B -o -pl dynamodb-sink-connector -am -Pbenchmarks verify -DskipTests -DskipITs}.
 */
public final class CloudWatchOverheadReport {

    static final List<String> MODES = List.of("off", "ok", "throttle", "5xx", "dead");
    static final double TARGET = 0.98;
    static final double CONFIDENCE = 0.999;

    /** One mode's paired iterations over all its forks. */
    static final class Pairs {
        final ListStatistics withPublisherCpu = new ListStatistics();
        final ListStatistics dataPathCpu = new ListStatistics();
        final ListStatistics wall = new ListStatistics();
        final ListStatistics referencePerCpu = new ListStatistics();
        double subjectCpu;
        double publisherCpu;
        double publisherAllocated;
        double requests;
        double seconds;
        final List<String> raw = new ArrayList<>();

        void add(Map<String, Double> it, double iterationSeconds) {
            raw.add(it.toString());
            double rr = it.get("referenceRecords");
            double sr = it.get("subjectRecords");
            double rc = it.get("referenceCpuNanos");
            double sc = it.get("subjectCpuNanos");
            double pc = it.get("publisherCpuNanos");
            double ref = rr / rc;
            double sw = it.get("subjectWallNanos");
            double rw = it.get("referenceWallNanos");
            referencePerCpu.addValue(ref * 1e9);
            // The publisher's thread runs all the time; a task whose data path ran all the time would pay all of it.
            // Here the subject ran for its share of the iteration, so it pays that share.
            withPublisherCpu.addValue(sr / (sc + pc * sw / (sw + rw)) / ref);
            dataPathCpu.addValue(sr / sc / ref);
            wall.addValue(sr / sw / (rr / rw));
            subjectCpu += sc;
            publisherCpu += pc;
            publisherAllocated += it.get("publisherAllocatedBytes");
            requests += it.get("putMetricDataRequests");
            seconds += iterationSeconds;
        }
    }

    private CloudWatchOverheadReport() {
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Map<String, Pairs> pairs = new LinkedHashMap<>();
        MODES.forEach(m -> pairs.put(m, new Pairs()));
        long started = System.nanoTime();
        for (int f = 0; f < forks; f++) {
            for (int i = 0; i < MODES.size(); i++) {
                String mode = MODES.get((f + i) % MODES.size());
                Options opts = new OptionsBuilder()
                        .include(CloudWatchOverheadBenchmark.class.getName() + ".put")
                        .param("publisher", mode)
                        .forks(1)
                        .warmupIterations(warmups)
                        .warmupTime(TimeValue.seconds(seconds))
                        .measurementIterations(iterations)
                        .measurementTime(TimeValue.seconds(seconds))
                        .jvmArgsAppend("-Xmx512m")
                        .verbosity(VerboseMode.SILENT)
                        .build();
                Pairs p = pairs.get(mode);
                long before = p.wall.getN();
                for (RunResult rr : new Runner(opts).run()) {
                    for (BenchmarkResult br : rr.getBenchmarkResults()) {
                        for (IterationResult ir : br.getIterationResults()) {
                            Map<String, Double> aux = new LinkedHashMap<>();
                            ir.getSecondaryResults().forEach((k, v) -> aux.put(k, v.getScore()));
                            p.add(aux, seconds);
                        }
                    }
                }
                if (p.wall.getN() == before) {
                    throw new IllegalStateException("the fork of publisher=" + mode + " gave no result");
                }
                System.out.printf("fork %d/%d, publisher=%-8s: %d pairs so far, ratio (CPU with publisher) %s, "
                        + "(wall) %s%n", f + 1, forks, mode, p.wall.getN(), ratio(p.withPublisherCpu),
                        ratio(p.wall));
            }
        }
        System.out.println(report(forks, warmups, iterations, seconds, pairs, (System.nanoTime() - started) / 1e9));
        String raw = System.getProperty("bench.raw.file");
        if (raw != null) {
            List<String> lines = new ArrayList<>();
            pairs.forEach((mode, p) -> p.raw.forEach(l -> lines.add(mode + " " + l)));
            java.nio.file.Files.write(java.nio.file.Path.of(raw), lines);
        }
    }

    static String report(int forks, int warmups, int iterations, int seconds, Map<String, Pairs> pairs,
                         double elapsed) {
        StringBuilder out = new StringBuilder(String.format("%n=== DynamoDbSinkTask.put() with the CloudWatch "
                + "publisher on vs off (JMH 1.37; %d forks per mode, modes interleaved; per fork %d x %d s warm-up, "
                + "%d x %d s measurement, each the same records put alternately to a publisher-off and a "
                + "publisher-on task; in-memory DynamoDB; publisher interval 1 s; count.by.field and "
                + "average.fields on in both tasks) ===%n", forks, warmups, seconds, iterations, seconds));
        out.append(String.format("  %-9s | %-5s | %-27s | %-27s | %-27s | %-12s | %s%n", "publisher", "pairs",
                "ratio: CPU incl. publisher", "ratio: data-path CPU", "ratio: wall clock", "off: rec/CPU-s",
                "publisher threads"));
        for (Map.Entry<String, Pairs> e : pairs.entrySet()) {
            Pairs p = e.getValue();
            out.append(String.format("  %-9s | %5d | %-27s | %-27s | %-27s | %,12.0f | %s%n", e.getKey(),
                    p.wall.getN(), ratio(p.withPublisherCpu), ratio(p.dataPathCpu), ratio(p.wall),
                    p.referencePerCpu.getMean(), String.format("CPU %.2f %% of the data path's (%.0f ms in %.0f s), "
                            + "%.1f KB/s allocated, %.0f PutMetricData requests received",
                            100 * p.publisherCpu / p.subjectCpu, p.publisherCpu / 1e6, p.seconds,
                            p.publisherAllocated / 1e3 / p.seconds, p.requests)));
        }
        out.append(String.format("  ratio ± JMH's %.1f %% score error of the mean of the iterations' paired ratios; "
                + "'holds' when ratio - error >= %.2f, 'FAILS' when ratio + error < %.2f, else 'open'. Publisher "
                + "'off' is the A/A check (two equal tasks). Took %.0f s.%n", 100 * CONFIDENCE, TARGET, TARGET,
                elapsed));
        return out.toString();
    }

    private static String ratio(ListStatistics s) {
        double q = s.getMean();
        double err = s.getMeanErrorAt(CONFIDENCE);
        return String.format("%.3f ± %.3f %s", q, err, verdict(q, err));
    }

    static String verdict(double ratio, double error) {
        return ratio - error >= TARGET ? "holds" : ratio + error < TARGET ? "FAILS" : "open";
    }
}
