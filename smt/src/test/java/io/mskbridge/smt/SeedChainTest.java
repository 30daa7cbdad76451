package io.mskbridge.smt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.TopicNameMatches;
import org.junit.jupiter.api.Test;

import static io.mskbridge.smt.TestRecords.CLOCK;
import static io.mskbridge.smt.TestRecords.e;
import static io.mskbridge.smt.TestRecords.map;
import static io.mskbridge.smt.TestRecords.props;
import static io.mskbridge.smt.TestRecords.sink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed Lambda's process_record, as the SMT chain a connector config declares. */
class SeedChainTest {

    private final List<Transformation<SinkRecord>> chain = new ArrayList<>();

    SeedChainTest() {
        ValidateFields<SinkRecord> validate = new ValidateFields.Value<>();
        validate.configure(props());
        InsertField<SinkRecord> env = new InsertField.Value<>();
        env.configure(props("static.field", "environment", "static.value", "dev"));
        ProcessingTime<SinkRecord> processed = new ProcessingTime.Value<>(CLOCK);
        processed.configure(props());
        AmountToMinorUnits<SinkRecord> amount = new AmountToMinorUnits.Value<>();
        amount.configure(props());
        QualityScore<SinkRecord> quality = new QualityScore.Value<>(CLOCK);
        quality.configure(props());
        FraudFlag<SinkRecord> fraud = new FraudFlag.Value<>(CLOCK);
        fraud.configure(props("high.amount.threshold", "5000"));
        chain.addAll(List.of(validate, env, processed, amount, quality, fraud));
    }

    private SinkRecord run(SinkRecord r) {
        for (Transformation<SinkRecord> t : chain) {
            if (r == null) {
                return null;
            }
            r = t.apply(r);
        }
        return r;
    }

    @Test
    void seedProducerRecords() {
        // producer.send_record({...}) adds timestamp (utcnow().isoformat()) and version
        Map<String, Object> click = map(e("event_type", "user_action"), e("user_id", "user123"),
                e("action", "click"), e("page", "/products"), e("timestamp", "2026-11-22T04:59:30.000001"),
                e("version", "1.0"));
        Map<String, Object> original = new HashMap<>(click);
        Map<?, ?> out = (Map<?, ?>) run(sink(click)).value();
        // the converter's map is never modified: the first transform that writes copies it
        assertThat(click).isEqualTo(original);
        assertThat(out.get("environment")).isEqualTo("dev");
        assertThat(out.get("processed_timestamp")).isEqualTo("2026-11-22T05:00:00Z");
        assertThat(out.containsKey("amount_cents")).isFalse();
        // session_id and metadata missing
        assertThat(out.get("quality_score")).isEqualTo(0.8);
        assertThat(out.get("fraud_flag")).isEqualTo(false);

        Map<String, Object> purchase = map(e("event_type", "purchase"), e("amount", 99.99),
                e("timestamp", "2026-11-22T03:00:00"));
        Map<?, ?> p = (Map<?, ?>) run(sink(purchase)).value();
        assertThat(p.get("amount_cents")).isEqualTo(9999L);
        // three optional fields missing and stale: 1 - 0.3 - 0.2
        assertThat(p.get("quality_score")).isEqualTo(0.5);

        // {'event_type': 'page_view', 'page': '/home'} from send_batch has no timestamp: validate_schema raises
        assertThatThrownBy(() -> run(sink(map(e("event_type", "page_view"), e("page", "/home")))))
                .hasMessageContaining("missing required field(s) [timestamp]");
    }

    @Test
    void laterTransformsWriteIntoTheMapTheFirstOneCopied() {
        AmountToMinorUnits<SinkRecord> amount = new AmountToMinorUnits.Value<>();
        amount.configure(props());
        QualityScore<SinkRecord> quality = new QualityScore.Value<>(CLOCK);
        quality.configure(props());
        Map<String, Object> in = map(e("amount", 1.5));
        SinkRecord afterAmount = amount.apply(sink(in));
        SinkRecord afterQuality = quality.apply(afterAmount);
        assertThat(in).containsOnlyKeys("amount");
        assertThat(afterAmount.value()).isInstanceOf(OwnedMap.class).isSameAs(afterQuality.value());
        assertThat(TestRecords.asMap(afterQuality.value())).containsKeys("amount", "amount_cents", "quality_score");
    }

    @Test
    void structThroughWholeChain() {
        SinkRecord out = run(sink(TestRecords.SEED_SCHEMA, TestRecords.seedStruct()));
        Struct v = (Struct) out.value();
        v.validate();
        assertThat(v.getString("environment")).isEqualTo("dev");
        assertThat(v.getInt64("amount_cents")).isEqualTo(1999L);
        assertThat(v.getFloat64("quality_score")).isEqualTo(1.0);
        assertThat(v.getBoolean("fraud_flag")).isFalse();
        assertThat(out.valueSchema().fields()).hasSize(TestRecords.SEED_SCHEMA.fields().size() + 7);
    }

    @Test
    void worksUnderAPredicateLikeConnectAppliesIt() {
        // Connect's TransformationStage: apply only when the predicate matches (negate=false)
        TopicNameMatches<SinkRecord> predicate = new TopicNameMatches<>();
        predicate.configure(Map.of("pattern", "tx-.*"));
        AmountToMinorUnits<SinkRecord> amount = new AmountToMinorUnits.Value<>();
        amount.configure(new HashMap<>());
        SinkRecord r = sink(map(e("amount", 1.5)));
        SinkRecord out = predicate.test(r) ? amount.apply(r) : r;
        assertThat(out).isSameAs(r);
    }
}
