package io.mskbridge.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which topics are the invalid-records topics of this connector's transforms, to count what they route there as
 * {@code ProcessingErrors} (README, Metrics). The transforms run in the worker, after {@code poll()}; the task
 * only learns where a record went from {@code commitRecord}'s metadata. A transform of the pack that routes has
 * {@code on.invalid=route} and an {@code invalid.topic} template ({@code ${topic}.invalid} unless set), the keys
 * of {@code io.mskbridge.smt.InvalidRecordHandler}; this reads them from the connector config the task gets.
 */
final class InvalidTopics {

    private static final String PLACEHOLDER = "${topic}";
    private static final String DEFAULT_TEMPLATE = PLACEHOLDER + ".invalid";

    private final List<String> templates;
    /** Invalid topics per source topic (few topics: one per stream or a template of them). */
    private final Map<String, List<String>> byTopic = new ConcurrentHashMap<>();

    private InvalidTopics(List<String> templates) {
        this.templates = templates;
    }

    /** The routing templates of the transforms configured in {@code props}. */
    static InvalidTopics from(Map<String, String> props) {
        List<String> templates = new ArrayList<>();
        String chain = props.get("transforms");
        if (chain != null) {
            for (String alias : chain.split(",")) {
                String a = alias.trim();
                String mode = props.get("transforms." + a + ".on.invalid");
                if (!a.isEmpty() && mode != null && mode.trim().toLowerCase(Locale.ROOT).equals("route")) {
                    String t = props.get("transforms." + a + ".invalid.topic");
                    templates.add(t == null || t.isBlank() ? DEFAULT_TEMPLATE : t.trim());
                }
            }
        }
        return new InvalidTopics(List.copyOf(templates));
    }

    /** True when a record the task gave {@code sourceTopic} was written to an invalid-records topic. */
    boolean isInvalid(String sourceTopic, String writtenTopic) {
        if (templates.isEmpty() || writtenTopic == null || writtenTopic.equals(sourceTopic)) {
            return false;
        }
        return byTopic.computeIfAbsent(sourceTopic == null ? "" : sourceTopic, t -> templates.stream()
                .map(tpl -> tpl.replace(PLACEHOLDER, t)).toList()).contains(writtenTopic);
    }
}
