package io.mskbridge.kinesis;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard assigned to a task, with what the task needs to read it without asking the connector:
 * <ul>
 * <li>{@code start}: where to start when the shard has no stored offset (TRIM_HORIZON or AT_TIMESTAMP; the
 * connector resolves LATEST into an AT_TIMESTAMP once, so every restart of a task starts at the same point).
 * Null only in assignments written before starts were resolved: then {@code kinesis.position} decides.</li>
 * <li>{@code range}: the shard's hash-key range. User records of a KPL aggregate whose hash key falls outside
 * it are skipped, as the KCL does: after a reshard the KPL can put an aggregate built for the parent's range
 * into a child, and it sends those user records again to the shard that owns them. Null: no filter.</li>
 * <li>{@code parents}: the parents the task must see finished before reading it, each with its own start
 * and range (a parent that has no committed offset is probed from its start, through its range). The
 * connector leaves out parents it already knows are finished or expired.</li>
 * </ul>
 *
 * <p>Encoded in task configs as {@code stream/shard/start/range/parents}, entries joined by commas; start is
 * {@code h} (TRIM_HORIZON) or epoch millis (AT_TIMESTAMP), range {@code first-last} in decimal, and parents
 * {@code shard@start@range} joined by {@code +}. Stream names and shard ids never contain {@code / + , @}.
 * The older form {@code stream/shard/parent1+parent2/h} (h: TRIM_HORIZON) is still read.
 */
record ShardSpec(String stream, String shardId, Start start, HashRange range, List<ShardSpec> parents) {

    ShardSpec {
        Objects.requireNonNull(stream);
        Objects.requireNonNull(shardId);
        parents = List.copyOf(parents);
    }

    /** A shard in the older form: parent ids only, {@code fromTrimHorizon} or the configured position, no range. */
    ShardSpec(String stream, String shardId, List<String> parentIds, boolean fromTrimHorizon) {
        this(stream, shardId, fromTrimHorizon ? Start.TRIM_HORIZON : null, null,
                parentIds.stream().map(p -> new ShardSpec(stream, p, null, null, List.of())).toList());
    }

    /**
     * False for a KPL user record whose hash key is outside {@link #range()}: the KPL put it here with a stale
     * shard map and sends it again to the shard that owns it, so it is skipped. Plain records are always owned:
     * Kinesis itself routed them here.
     */
    boolean owns(UserRecord u) {
        return range == null || !u.aggregated() || range.contains(u.hashKey());
    }

    /** The ids of {@link #parents()}. */
    List<String> parentIds() {
        return parents.stream().map(ShardSpec::shardId).toList();
    }

    /** Where a shard without a stored offset starts. */
    record Start(ShardIteratorType type, Instant timestamp) {

        static final Start TRIM_HORIZON = new Start(ShardIteratorType.TRIM_HORIZON, null);
        /** Only for assignments written before LATEST was resolved (see {@link ShardSpec}). */
        static final Start LATEST = new Start(ShardIteratorType.LATEST, null);

        static Start atTimestamp(Instant at) {
            return new Start(ShardIteratorType.AT_TIMESTAMP, Objects.requireNonNull(at));
        }

        /** Sets the iterator type (and timestamp) of a GetShardIterator request. */
        GetShardIteratorRequest.Builder applyTo(GetShardIteratorRequest.Builder b) {
            b.shardIteratorType(type);
            return timestamp == null ? b : b.timestamp(timestamp);
        }

        String encode() {
            return type == ShardIteratorType.AT_TIMESTAMP ? String.valueOf(timestamp.toEpochMilli()) : "h";
        }

        static Start decode(String s) {
            if (s.isEmpty()) {
                return null;
            }
            return "h".equals(s) ? TRIM_HORIZON : atTimestamp(Instant.ofEpochMilli(Long.parseLong(s)));
        }

        @Override
        public String toString() {
            return timestamp == null ? type.toString() : type + " " + timestamp;
        }
    }

    /** A shard's hash-key range, both ends included (as ListShards gives it). */
    record HashRange(BigInteger first, BigInteger last) {

        HashRange {
            Objects.requireNonNull(first);
            Objects.requireNonNull(last);
        }

        static HashRange of(String first, String last) {
            return new HashRange(new BigInteger(first), new BigInteger(last));
        }

        boolean contains(BigInteger hashKey) {
            return hashKey.compareTo(first) >= 0 && hashKey.compareTo(last) <= 0;
        }

        String encode() {
            return first + "-" + last;
        }

        static HashRange decode(String s) {
            if (s.isEmpty()) {
                return null;
            }
            String[] p = s.split("-", -1);
            if (p.length != 2) {
                throw new IllegalArgumentException("Bad hash key range: " + s);
            }
            return of(p[0], p[1]);
        }
    }

    String encode() {
        return stream + "/" + shardId + "/" + encodeStart(start) + "/" + encodeRange(range) + "/"
                + parents.stream().map(p -> p.shardId() + "@" + encodeStart(p.start()) + "@" + encodeRange(p.range()))
                        .collect(Collectors.joining("+"));
    }

    private static String encodeStart(Start s) {
        return s == null ? "" : s.encode();
    }

    private static String encodeRange(HashRange r) {
        return r == null ? "" : r.encode();
    }

    static ShardSpec decode(String s) {
        String[] p = s.split("/", -1);
        try {
            if (p.length == 4) {
                List<String> parentIds = p[2].isEmpty() ? List.of() : List.of(p[2].split("\\+"));
                return new ShardSpec(p[0], p[1], parentIds, "h".equals(p[3]));
            }
            if (p.length != 5) {
                throw new IllegalArgumentException("expected stream/shard/start/range/parents");
            }
            List<ShardSpec> parents = new ArrayList<>();
            if (!p[4].isEmpty()) {
                for (String e : p[4].split("\\+")) {
                    String[] q = e.split("@", -1);
                    if (q.length != 3) {
                        throw new IllegalArgumentException("expected shard@start@range in " + e);
                    }
                    parents.add(new ShardSpec(p[0], q[0], Start.decode(q[1]), HashRange.decode(q[2]), List.of()));
                }
            }
            return new ShardSpec(p[0], p[1], Start.decode(p[2]), HashRange.decode(p[3]), parents);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Bad shard assignment entry '" + s + "': " + e.getMessage(), e);
        }
    }

    static String encodeAll(List<ShardSpec> specs) {
        return specs.stream().map(ShardSpec::encode).collect(Collectors.joining(","));
    }

    static List<ShardSpec> decodeAll(String s) {
        List<ShardSpec> out = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String e : s.split(",")) {
            out.add(decode(e.trim()));
        }
        return out;
    }
}
