package io.mskbridge.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReferenceTest {

    enum Mode { FAST, SAFE }

    private static ConfigDef def() {
        return new ConfigDef()
                .define("b.key", Type.STRING, "safe", ConfigEnums.validator(Mode.class), Importance.HIGH,
                        "The mode | with a pipe.", "Second", 1, Width.SHORT, "B")
                .define("a.key", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Required one.", "First", 1,
                        Width.SHORT, "A")
                .define("c.secret", Type.PASSWORD, "x", Importance.LOW, "Hidden.", "First", 2, Width.SHORT, "C")
                .define("d.empty", Type.STRING, "", Importance.LOW, "Empty default.", "First", 3, Width.SHORT, "D");
    }

    @Test
    void rendersOneTablePerGroupInDefinitionOrder() {
        String out = ConfigReference.create().add(def(), 3).render();
        assertThat(out).startsWith(ConfigReference.BEGIN).endsWith(ConfigReference.END);
        // Groups come in the order the ConfigDef first defines them.
        assertThat(out.indexOf("### Second")).isLessThan(out.indexOf("### First"));
        assertThat(out).contains("| `a.key` | string | (required) |  | high | Required one. |")
                .contains("| `c.secret` | password | [hidden] |")
                .contains("| `d.empty` | string | \"\" |")
                .contains("| `b.key` | string | `safe` | one of [fast, safe] (case-insensitive) | high | The mode \\| with a pipe. |");
    }

    @Test
    void aSingleGroupHasNoHeadingAndSectionsCarryTitleAndOverview() {
        ConfigDef one = new ConfigDef().define("x", Type.INT, 1, Importance.LOW, "X.", "Only", 1, Width.SHORT, "X");
        String out = ConfigReference.create().section("`com.example.T`", "Does things.", one, 3).render();
        assertThat(out).contains("### `com.example.T`\n\nDoes things.\n").doesNotContain("#### Only")
                .contains("| `x` | int | `1` |");
    }

    @Test
    void assertCurrentFailsOnAStaleReadmeAndPassesOnAFreshOne(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# T\n\n" + ConfigReference.BEGIN + "\nold\n" + ConfigReference.END + "\ntail\n",
                StandardCharsets.UTF_8);
        ConfigReference ref = ConfigReference.create().add(def(), 3);
        assertThatThrownBy(() -> ref.assertCurrent(readme, false)).isInstanceOf(AssertionError.class)
                .hasMessageContaining(ConfigReference.UPDATE_PROPERTY);

        Files.writeString(readme, "# T\n\n" + ref.render() + "\ntail\n", StandardCharsets.UTF_8);
        ref.assertCurrent(readme, false);
        assertThat(Files.readString(readme)).endsWith("\ntail\n");

        Files.writeString(readme, "# T\n\n" + ConfigReference.BEGIN + "\nold\n" + ConfigReference.END + "\n",
                StandardCharsets.UTF_8);
        ref.assertCurrent(readme, true);
        assertThat(Files.readString(readme)).as("update rewrites the block").contains(ref.render());
    }

    @Test
    void aReadmeWithoutMarkersIsAnError(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# nothing\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ConfigReference.create().add(def(), 3).assertCurrent(readme, false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("markers");
    }
}
