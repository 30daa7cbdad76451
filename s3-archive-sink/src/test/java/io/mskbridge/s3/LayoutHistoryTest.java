package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mskbridge.aws.AwsClientFactory;
import io.mskbridge.aws.AwsSettings;
import io.mskbridge.harness.S3ProxyServer;
import software.amazon.awssdk.core.sync.RequestBody;

/** The connector's record of its object key layouts (s3.layout.history.prefix) against an in-process S3Proxy. */
class LayoutHistoryTest {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private final List<AwsClientFactory> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(AwsClientFactory::close);
    }

    private static Map<String, String> props(String bucket, String template) {
        Map<String, String> p = TaskDriver.props(S3.endpoint(), bucket);
        p.put("s3.key.template", template);
        return p;
    }

    /** What a task of connector "test" starting with {@code props} learns and records. */
    private List<ObjectLayout> start(Map<String, String> props) {
        S3ArchiveSinkConfig config = new S3ArchiveSinkConfig(props);
        AwsClientFactory c = new AwsClientFactory(AwsSettings.from(config));
        clients.add(c);
        S3Uploader uploader = S3Uploader.create(config, c, new S3ArchiveSinkTaskMetrics());
        return LayoutHistory.update(config, ObjectLayout.of(config), uploader, "test");
    }

    private static String history(String bucket) {
        return TaskDriver.get(S3.client(), bucket, "_mskbridge/layouts/test.properties").asUtf8String();
    }

    private static String template(int i) {
        return "v" + i + "/{kafka.topic}+{kafka.partition}+{kafka.start_offset}";
    }

    @Test
    void aChangedLayoutIsRecordedNewestFirstAndTheEarlierOnesAreReturned() {
        S3.client().createBucket(b -> b.bucket("history"));
        Map<String, String> v1 = props("history", template(1));
        assertThat(start(v1)).as("a new history").isEmpty();
        assertThat(history("history")).contains("layout.0.key.template=" + template(1));

        // The same layout: read, not written again (a marker line added by hand stays).
        String marked = history("history") + "# untouched\n";
        S3.client().putObject(b -> b.bucket("history").key("_mskbridge/layouts/test.properties"),
                RequestBody.fromString(marked));
        assertThat(start(v1)).isEmpty();
        assertThat(history("history")).isEqualTo(marked);

        Map<String, String> v2 = props("history", template(2));
        v2.put("s3.partition.time.field", "timestamp");
        v2.put("s3.object.offset.pad.width", "10");
        List<ObjectLayout> earlier = start(v2);
        assertThat(earlier).containsExactly(ObjectLayout.of(new S3ArchiveSinkConfig(v1)));
        assertThat(history("history")).contains("layout.0.key.template=" + template(2), "layout.0.offset.pad.width=10",
                "layout.0.partition.time.field=timestamp", "layout.1.key.template=" + template(1));
        // Back to v1: it moves to the front, v2 becomes the earlier one.
        assertThat(start(v1)).containsExactly(ObjectLayout.of(new S3ArchiveSinkConfig(v2)));
        // A format change is a layout change too (another extension).
        Map<String, String> avro = new HashMap<>(v1);
        avro.put("s3.format", "avro");
        avro.put("s3.compression", "none");
        assertThat(start(avro)).extracting(l -> l.extension).containsExactly(".jsonl.gz", ".jsonl.gz");
    }

    @Test
    void theHistoryKeepsTheCurrentAndFiveEarlierLayouts() {
        S3.client().createBucket(b -> b.bucket("history-cap"));
        List<ObjectLayout> earlier = List.of();
        for (int i = 0; i < 9; i++) {
            earlier = start(props("history-cap", template(i)));
        }
        assertThat(earlier).extracting(l -> l.template.template())
                .containsExactly(template(7), template(6), template(5), template(4), template(3));
        assertThat(LayoutHistory.parse(history("history-cap"))).hasSize(LayoutHistory.MAX_LAYOUTS);
    }

    @Test
    void templatesWithPropertiesSyntaxSurviveTheRoundTrip() {
        Map<String, String> l = new HashMap<>();
        l.put(ObjectLayout.TEMPLATE, "a=b: c\\d#x!/ü/{kafka.topic}+{kafka.partition}+{kafka.start_offset}");
        l.put(ObjectLayout.EXTENSION, ".jsonl");
        l.put(ObjectLayout.PAD_WIDTH, "20");
        String text = LayoutHistory.format("c", List.of(l, l));
        assertThat(LayoutHistory.parse(text)).containsExactly(l, l);
        assertThat(LayoutHistory.format("c", List.of(l))).as("no date: every task writes the same bytes")
                .isEqualTo(LayoutHistory.format("c", List.of(l)));
        assertThat(LayoutHistory.parse("garbage\nlayout.x.key=1\n")).isEmpty();
    }

    @Test
    void anEmptyPrefixKeepsNoHistoryAndABadOneIsAConfigError() {
        S3.client().createBucket(b -> b.bucket("history-off"));
        Map<String, String> p = props("history-off", template(1));
        p.put("s3.layout.history.prefix", "");
        assertThat(start(p)).isEmpty();
        assertThat(S3.client().listObjectsV2(b -> b.bucket("history-off")).contents()).isEmpty();
        p.put("s3.layout.history.prefix", "{kafka.topic}/");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3.layout.history.prefix");
    }

    @Test
    void anUnreadableHistoryFailsTheTaskNamingTheSetting() {
        Map<String, String> p = props("history-no-bucket", template(1));
        assertThatThrownBy(() -> start(p)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("s3.layout.history.prefix").hasMessageContaining("s3:GetObject");
    }
}
