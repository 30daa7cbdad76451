package io.mskbridge.local;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import io.mskbridge.harness.CloudWatchServer.Datum;

/**
 * What {@code bin/mskbridge-local --keep-running} prints of the data points the connectors sent to the CloudWatch
 * stand-in: a table per connector and namespace, one row per metric and dimensions, with the statistic sets of all
 * its points so far combined (samples, sum, minimum, maximum, average) and the unit, then one line per new point.
 */
final class CloudWatchPrintout {

    static final String CONNECTOR = "ConnectorName";
    private static final String[] HEADER = {"Metric", "Dimensions", "Unit", "Points", "Samples", "Sum", "Min", "Max",
        "Average"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private CloudWatchPrintout() {
    }

    /** One series: a metric with its dimensions, its points' statistic sets combined. */
    private static final class Series {
        final String metric;
        final String dimensions;
        final String unit;
        int points;
        double samples;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        Series(Datum d) {
            metric = d.name();
            dimensions = dimensions(d);
            unit = d.unit() == null ? "" : d.unit();
        }

        void add(Datum d) {
            points++;
            if (d.value() != null) {
                samples++;
                sum += d.value();
                min = Math.min(min, d.value());
                max = Math.max(max, d.value());
            } else {
                samples += d.sampleCount();
                sum += d.sum();
                min = Math.min(min, d.minimum());
                max = Math.max(max, d.maximum());
            }
        }

        String[] row() {
            return new String[] {metric, dimensions, unit, String.valueOf(points), number(samples), number(sum),
                number(min), number(max), samples == 0 ? "-" : number(sum / samples)};
        }
    }

    /** The table of everything in {@code points}, grouped by namespace and connector. */
    static List<String> table(Collection<Datum> points) {
        Map<String, Map<String, Series>> groups = new TreeMap<>();
        for (Datum d : points) {
            String group = "namespace " + d.namespace() + ", connector "
                    + d.dimensions().getOrDefault(CONNECTOR, "(none)");
            groups.computeIfAbsent(group, g -> new TreeMap<>())
                    .computeIfAbsent(d.name() + "\u0000" + dimensions(d) + "\u0000" + d.unit(), k -> new Series(d))
                    .add(d);
        }
        List<String> out = new ArrayList<>();
        if (groups.isEmpty()) {
            out.add("  (no data points yet)");
            return out;
        }
        for (Map.Entry<String, Map<String, Series>> g : groups.entrySet()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADER);
            g.getValue().values().forEach(s -> rows.add(s.row()));
            out.add("  " + g.getKey() + " (" + g.getValue().size() + " series):");
            out.addAll(aligned(rows, "    "));
        }
        return out;
    }

    /** One point as it arrives: time stamp, connector, metric, dimensions, its statistics and unit. */
    static String line(Datum d) {
        String stats = d.value() != null ? "value " + number(d.value())
                : String.format(Locale.ROOT, "samples %s sum %s min %s max %s", number(d.sampleCount()),
                        number(d.sum()), number(d.minimum()), number(d.maximum()));
        return String.format(Locale.ROOT, "  %s %-28s %-30s %-34s %s %s", d.timestamp() == null ? "--:--:--"
                : TIME.format(d.timestamp()), d.dimensions().getOrDefault(CONNECTOR, "(none)"), d.name(),
                dimensions(d).isEmpty() ? "-" : dimensions(d), stats, d.unit() == null ? "" : d.unit());
    }

    /** The dimensions other than ConnectorName, as Name=value, in the order sent. */
    static String dimensions(Datum d) {
        StringJoiner j = new StringJoiner(", ");
        d.dimensions().forEach((k, v) -> {
            if (!k.equals(CONNECTOR)) {
                j.add(k + "=" + v);
            }
        });
        return j.toString();
    }

    /** Whole numbers without decimals, others with up to three. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%,.3f", v).replaceAll("0+$", "");
    }

    /** Rows as columns: text left-aligned, numbers (from the fourth column on) right-aligned. */
    private static List<String> aligned(List<String[]> rows, String indent) {
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                String cell = i < 3 ? String.format("%-" + width[i] + "s", r[i])
                        : String.format("%" + width[i] + "s", r[i]);
                b.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            out.add(b.toString().stripTrailing());
        }
        return out;
    }
}
