package io.mskbridge.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ObjectTagsTest {

    @Test
    void tagsAreParsedInOrderAndUrlEncodedForTheHeader() {
        Map<String, String> tags = ObjectTags.parse("project=msk bridge&owner=data/eng+ops&tier=a=b&empty=&ünï=çödé");
        assertThat(tags).containsExactly(Map.entry("project", "msk bridge"), Map.entry("owner", "data/eng+ops"),
                Map.entry("tier", "a=b"), Map.entry("empty", ""), Map.entry("ünï", "çödé"));
        assertThat(ObjectTags.header(tags)).isEqualTo(
                "project=msk%20bridge&owner=data%2Feng%2Bops&tier=a%3Db&empty=&%C3%BCn%C3%AF=%C3%A7%C3%B6d%C3%A9");
        assertThat(ObjectTags.header(ObjectTags.parse(""))).isNull();
        assertThat(new S3ArchiveSinkConfig(Map.of("s3.bucket", "bkt", "s3.object.tagging", "a=1")).objectTagging())
                .isEqualTo("a=1");
    }

    @Test
    void whatS3WouldRefuseIsAConfigErrorNamingTheTag() {
        assertThatThrownBy(() -> ObjectTags.parse("a=1&&b=2")).hasMessageContaining("none may be empty");
        assertThatThrownBy(() -> ObjectTags.parse("=1")).hasMessageContaining("'=1' is not key=value");
        assertThatThrownBy(() -> ObjectTags.parse("a=1&a=2")).hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> ObjectTags.parse("aws:team=x")).hasMessageContaining("reserved prefix aws:");
        assertThatThrownBy(() -> ObjectTags.parse("team=a%20b")).hasMessageContaining("value of tag 'team'")
                .hasMessageContaining("write tags unencoded");
        assertThatThrownBy(() -> ObjectTags.parse("team=a;b")).hasMessageContaining("+ - = . _ : / @");
        assertThatThrownBy(() -> ObjectTags.parse("k".repeat(129) + "=v")).hasMessageContaining("129 characters");
        assertThatThrownBy(() -> ObjectTags.parse("k=" + "v".repeat(257))).hasMessageContaining("257 characters");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : "&").append("t").append(i).append("=v");
        }
        assertThatThrownBy(() -> ObjectTags.parse(eleven.toString())).hasMessageContaining("at most 10");
        assertThatThrownBy(() -> new S3ArchiveSinkConfig(Map.of("s3.bucket", "bkt", "s3.object.tagging", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3.object.tagging");
    }
}
