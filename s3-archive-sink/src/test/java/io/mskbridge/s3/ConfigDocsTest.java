package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/**
 * The README's config reference is generated from the ConfigDef. Fails when stale; run with
 * {@code -Dmskbridge.docs.update=true} to rewrite it.
 */
class ConfigDocsTest {

    static final String BEGIN = "<!-- BEGIN GENERATED CONFIG -->";
    static final String END = "<!-- END GENERATED CONFIG -->";

    static String generate() {
        ConfigDef def = S3ArchiveSinkConfig.configDef();
        StringBuilder sb = new StringBuilder();
        String group = null;
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        keys.sort((a, b) -> {
            int g = def.groups().indexOf(a.group) - def.groups().indexOf(b.group);
            return g != 0 ? g : Integer.compare(a.orderInGroup, b.orderInGroup);
        });
        for (ConfigDef.ConfigKey k : keys) {
            if (!k.group.equals(group)) {
                group = k.group;
                sb.append("\n### ").append(group).append("\n\n");
                sb.append("| Key | Type | Default | Valid values | Importance | Description |\n");
                sb.append("|---|---|---|---|---|---|\n");
            }
            Object d = k.defaultValue;
            String dflt = !k.hasDefault() ? "(required)" : d == null ? "null" : d instanceof Password ? "[hidden]"
                    : ConfigDef.convertToString(d, k.type);
            sb.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase())
                    .append(" | `").append(dflt).append("` | ")
                    .append(k.validator == null ? "" : esc(k.validator.toString())).append(" | ")
                    .append(k.importance.name().toLowerCase()).append(" | ").append(esc(k.documentation))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String esc(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    @Test
    void readmeConfigReferenceIsUpToDate() throws Exception {
        Path readme = Path.of(System.getProperty("mskbridge.root", "..")).resolve("s3-archive-sink/README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        assertThat(b).as("README markers").isGreaterThanOrEqualTo(0);
        assertThat(e).isGreaterThan(b);
        String fresh = text.substring(0, b + BEGIN.length()) + "\n" + generate() + "\n" + text.substring(e);
        if (Boolean.getBoolean("mskbridge.docs.update")) {
            Files.writeString(readme, fresh, StandardCharsets.UTF_8);
            return;
        }
        assertThat(text).as("README config section is stale: run the test with -Dmskbridge.docs.update=true")
                .isEqualTo(fresh);
    }
}
