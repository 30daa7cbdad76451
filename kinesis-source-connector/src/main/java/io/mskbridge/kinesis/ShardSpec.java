package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One shard assigned to a task, with the parents the task must see finished before reading it. The
 * connector leaves out parents it already knows are finished or expired, so a task only waits for the
 * ones that may still hold unread records.
 *
 * {@code fromTrimHorizon}: with no stored offset, start at TRIM_HORIZON whatever {@code kinesis.position}
 * says, because the shard was created by resharding while this connector was reading its lineage (a LATEST
 * start would skip the child's first records).
 *
 * <p>Encoded in task configs as {@code stream/shard/parent1+parent2/h}, entries joined by commas: stream
 * names and shard ids never contain {@code / + ,}.
 */
record ShardSpec(String stream, String shardId, List<String> parents, boolean fromTrimHorizon) {

    ShardSpec {
        Objects.requireNonNull(stream);
        Objects.requireNonNull(shardId);
        parents = List.copyOf(parents);
    }

    String encode() {
        return stream + "/" + shardId + "/" + String.join("+", parents) + "/" + (fromTrimHorizon ? "h" : "");
    }

    static ShardSpec decode(String s) {
        String[] p = s.split("/", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("Bad shard assignment entry: " + s);
        }
        List<String> parents = p[2].isEmpty() ? List.of() : Arrays.asList(p[2].split("\\+"));
        return new ShardSpec(p[0], p[1], parents, "h".equals(p[3]));
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
