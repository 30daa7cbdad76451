package io.mskbridge.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class FieldPathTest {

    private static final Schema META = SchemaBuilder.struct()
            .field("device", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("region", SchemaBuilder.string().optional().defaultValue("eu").build())
            .optional()
            .build();
    private static final Schema VALUE = SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("metadata", META)
            .build();

    @Test
    void topLevelAndNestedStructFields() {
        Struct meta = new Struct(META).put("device", "pump-7");
        Struct v = new Struct(VALUE).put("id", 42L).put("metadata", meta);
        assertThat(FieldPath.of("id").get(v)).isEqualTo(42L);
        assertThat(FieldPath.of("metadata.device").get(v)).isEqualTo("pump-7");
        assertThat(FieldPath.of("metadata").get(v)).isSameAs(meta);
    }

    @Test
    void absentIsDistinctFromPresentButNull() {
        Struct v = new Struct(VALUE).put("id", 1L).put("metadata", new Struct(META));
        assertThat(FieldPath.of("metadata.device").get(v)).isNull();
        assertThat(FieldPath.of("metadata.nope").get(v)).isSameAs(FieldPath.ABSENT);
        assertThat(FieldPath.isAbsent(FieldPath.of("nope").get(v))).isTrue();
        assertThat(FieldPath.of("nope").getOrNull(v)).isNull();

        Map<String, Object> m = new HashMap<>();
        m.put("a", null);
        assertThat(FieldPath.of("a").get(m)).isNull();
        assertThat(FieldPath.of("b").get(m)).isSameAs(FieldPath.ABSENT);
    }

    @Test
    void structFieldDefaultAppliesWhenUnset() {
        Struct v = new Struct(VALUE).put("id", 1L).put("metadata", new Struct(META));
        assertThat(FieldPath.of("metadata.region").get(v)).isEqualTo("eu");
    }

    @Test
    void throughNullOrScalarOrMissingContainerIsAbsent() {
        Struct v = new Struct(VALUE).put("id", 1L);
        assertThat(FieldPath.of("metadata.device").get(v)).isSameAs(FieldPath.ABSENT);
        assertThat(FieldPath.of("id.x").get(v)).isSameAs(FieldPath.ABSENT);
        assertThat(FieldPath.of("a").get(null)).isSameAs(FieldPath.ABSENT);
        assertThat(FieldPath.of("a").get("string value")).isSameAs(FieldPath.ABSENT);
        assertThat(FieldPath.of("a.b").get(List.of(1))).isSameAs(FieldPath.ABSENT);
    }

    @Test
    void mixedMapAndStruct() {
        Struct meta = new Struct(META).put("device", "d1").put("tags", Map.of("env", "prod"));
        Map<String, Object> v = Map.of("payload", Map.of("meta", meta));
        assertThat(FieldPath.of("payload.meta.device").get(v)).isEqualTo("d1");
        assertThat(FieldPath.of("payload.meta.tags.env").get(v)).isEqualTo("prod");
        assertThat(FieldPath.of("payload.meta.tags.missing").get(v)).isSameAs(FieldPath.ABSENT);
    }

    @Test
    void escapedDotsAndBackslashes() {
        FieldPath p = FieldPath.of("a\\.b.c\\\\d");
        assertThat(p.segments()).containsExactly("a.b", "c\\d");
        assertThat(p.get(Map.of("a.b", Map.of("c\\d", 5)))).isEqualTo(5);
        assertThat(p.path()).isEqualTo("a\\.b.c\\\\d");
    }

    @Test
    void malformedPathsNameThePosition() {
        assertThatThrownBy(() -> FieldPath.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldPath.of("a..b")).hasMessageContaining("Empty segment at position 2");
        assertThatThrownBy(() -> FieldPath.of(".a")).hasMessageContaining("position 0");
        assertThatThrownBy(() -> FieldPath.of("a.")).hasMessageContaining("position 2");
        assertThatThrownBy(() -> FieldPath.of("a\\b")).hasMessageContaining("Invalid escape at position 1");
    }

    @Test
    void parsedOnceAndCached() {
        assertThat(FieldPath.of("x.y")).isSameAs(FieldPath.of("x.y"));
        assertThat(FieldPath.of("x.y")).isEqualTo(FieldPath.of("x.y")).hasToString("x.y");
    }
}
