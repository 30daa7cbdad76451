package io.mskbridge.smt;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.seedRecord;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessingTimeTest {

    private static ProcessingTime<SinkRecord> transform(Map<String, String> props) {
        ProcessingTime<SinkRecord> t = new ProcessingTime.Value<>(TestRecords.CLOCK);
        t.configure(props);
        return t;
    }

    @Test
    void schemaless() {
        Map<String, Object> in = seedRecord();
        SinkRecord out = transform(props()).apply(sink(in));
        assertThat(TestRecords.asMap(out.value())).containsEntry("processed_timestamp", "2026-11-22T05:00:00Z")
                .containsEntry("event_type", "purchase");
        assertThat(in).doesNotContainKey("processed_timestamp");
        // parseable by the same rules the other transforms use
        assertThat(Timestamps.toEpochMillis(((Map<?, ?>) out.value()).get("processed_timestamp")))
                .isEqualTo(TestRecords.NOW.toEpochMilli());
    }

    @Test
    void structAndCache() {
        ProcessingTime<SinkRecord> t = transform(props("field", "processed_at"));
        SinkRecord o1 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        SinkRecord o2 = t.apply(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        assertThat(o1.valueSchema()).isSameAs(o2.valueSchema());
        assertThat(o1.valueSchema().field("processed_at").schema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(((Struct) o1.value()).getString("processed_at")).isEqualTo("2026-11-22T05:00:00Z");
    }

    @Test
    void tombstones() {
        SinkRecord r = sink(null);
        assertThat(transform(props()).apply(r)).isSameAs(r);
    }

    @Test
    void configError() {
        assertThatThrownBy(() -> transform(props("field", ""))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("field").hasMessageContaining("non-empty field name");
    }
}
