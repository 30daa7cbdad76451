package io.mskbridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class RawPayloadsTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitsPlainAndGzippedRecordsEvenWhenTheGzipBytesHoldTheSeparator() throws Exception {
        byte[] gz = null;
        // Find a gzipped event whose compressed bytes contain a newline, the case a plain line split gets wrong.
        for (int i = 0; gz == null || indexOf(gz, (byte) '\n') < 0; i++) {
            gz = RawPayloads.gzip(utf8("{\"id\":\"evt-" + i + "\",\"event_type\":\"click\"}"));
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(utf8("{\"id\":\"a\"}\n"));
        content.writeBytes(gz);
        content.write('\n');
        content.writeBytes(utf8("{\"id\":\"b\"}\n"));
        content.writeBytes(gz);

        List<byte[]> records = RawPayloads.split(content.toByteArray(), (byte) '\n');

        assertThat(records).hasSize(4);
        assertThat(new String(records.get(0), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"a\"}");
        assertThat(records.get(1)).isEqualTo(gz);
        assertThat(new String(RawPayloads.text(records.get(1)), StandardCharsets.UTF_8)).startsWith("{\"id\":\"evt-");
        assertThat(new String(records.get(2), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"b\"}");
        assertThat(records.get(3)).isEqualTo(gz);
    }

    static int indexOf(byte[] d, byte b) {
        for (int i = 0; i < d.length; i++) {
            if (d[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
