package io.mskbridge.smt;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import static io.mskbridge.smt.TestRecords.CLOCK;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base class's rule for values that are not objects: the transforms that add fields pass them on untouched,
 * with or without a predicate in front of them, and whatever their own on.invalid says (a value without fields
 * is not an invalid amount or timestamp). Only ValidateFields decides that such a record is invalid.
 */
class RecordValueTransformTest {

    static final List<Supplier<RecordValueTransform<SinkRecord>>> ADDING_TRANSFORMS = List.of(
            () -> new ProcessingTime.Value<>(CLOCK), AmountToMinorUnits.Value::new, () -> new QualityScore.Value<>(CLOCK),
            () -> new FraudFlag.Value<>(CLOCK));

    static final Object[][] NOT_OBJECTS = {
        {null, "not json {"},
        {null, new byte[] {0x1f, (byte) 0x8b, 8}},
        {Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}},
        {Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1})},
        {Schema.STRING_SCHEMA, "text"},
        {null, 42L},
        {Schema.INT64_SCHEMA, 42L},
        {null, List.of(Map.of("amount", 1.0))},
        {SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), Map.of("amount", "1.5")},
    };

    @Test
    void transformsThatAddFieldsPassValuesThatAreNotObjectsUntouched() {
        for (Supplier<RecordValueTransform<SinkRecord>> s : ADDING_TRANSFORMS) {
            for (String onInvalid : new String[] {null, "fail", "route"}) {
                RecordValueTransform<SinkRecord> t = s.get();
                boolean hasOnInvalid = t.config().configKeys().containsKey(InvalidRecordHandler.ON_INVALID_CONFIG);
                if (onInvalid != null && !hasOnInvalid) {
                    continue;
                }
                t.configure(onInvalid == null ? props("high.amount.threshold", "1")
                        : props("high.amount.threshold", "1", "on.invalid", onInvalid));
                for (Object[] c : NOT_OBJECTS) {
                    SinkRecord r = sink((Schema) c[0], c[1]);
                    assertThat(t.apply(r)).as("%s (on.invalid=%s) on %s", t.getClass().getName(), onInvalid, c[1])
                            .isSameAs(r);
                }
            }
        }
    }

    @Test
    void sourceRecordsToo() {
        for (Supplier<RecordValueTransform<SinkRecord>> s : ADDING_TRANSFORMS) {
            @SuppressWarnings("unchecked")
            RecordValueTransform<SourceRecord> t = (RecordValueTransform<SourceRecord>) (RecordValueTransform<?>) s.get();
            t.configure(props("high.amount.threshold", "1"));
            SourceRecord r = TestRecords.source(new byte[] {0x1f, (byte) 0x8b});
            assertThat(t.apply(r)).isSameAs(r);
        }
    }

    @Test
    void objectsAreStillTransformed() {
        for (Supplier<RecordValueTransform<SinkRecord>> s : ADDING_TRANSFORMS) {
            RecordValueTransform<SinkRecord> t = s.get();
            t.configure(props("high.amount.threshold", "1"));
            SinkRecord r = sink(TestRecords.seedRecord());
            assertThat(t.apply(r).value()).as(t.getClass().getName()).isNotEqualTo(r.value());
            SinkRecord struct = sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct());
            assertThat(t.apply(struct).valueSchema()).isNotSameAs(TestRecords.SEED_SCHEMA);
        }
    }
}
