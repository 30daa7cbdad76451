package io.mskbridge.smt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class StructSchemasTest {

    private static final Schema INNER = SchemaBuilder.struct().name("Inner").field("device", Schema.STRING_SCHEMA).build();
    private static final Schema BASE = SchemaBuilder.struct().name("Event")
            .field("id", Schema.STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .field("meta", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("inner", INNER)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("level", SchemaBuilder.int32().defaultValue(3).build())
            .field("score", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    private static Struct event() {
        return new Struct(BASE).put("id", "e1").put("amount", new java.math.BigDecimal("19.99"))
                .put("meta", Map.of("ip", "10.0.0.1")).put("tags", List.of("a", "b"))
                .put("inner", new Struct(INNER).put("device", "ios")).put("score", 7);
    }

    @Test
    void copiesValueArraysDirectlyOnThisRuntime() {
        assertThat(StructSchemas.directCopy()).as("Struct.values reachable on Connect 3.7 / Java 17").isTrue();
    }

    @Test
    void theCopyHoldsTheSameValuesAsAValidatingCopyAndStillValidates() {
        // "score" is overwritten with another schema (as a transform's output field): left for the caller to set.
        Schema extended = StructSchemas.extend(BASE, new String[] {"score", "amount_cents"},
                new Schema[] {Schema.OPTIONAL_FLOAT64_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA});
        Struct source = event();
        Struct copy = StructSchemas.copy(source, extended);

        for (Field f : BASE.fields()) {
            if (f.name().equals("score")) {
                assertThat(copy.get("score")).isNull();
            } else {
                assertThat(copy.get(f.name())).as(f.name()).isEqualTo(source.get(f));
            }
        }
        // An unset field with a default stays unset (get() still answers the default), like the source.
        assertThat(copy.get("level")).isEqualTo(3);
        assertThat(copy.getWithoutDefault("level")).isNull();
        assertThat(copy.get("amount_cents")).isNull();
        copy.put("score", 0.9).put("amount_cents", 1999L);
        copy.validate();
        // The source is untouched.
        assertThat(source.get("score")).isEqualTo(7);
        assertThat(source.schema()).isSameAs(BASE);
    }
}
