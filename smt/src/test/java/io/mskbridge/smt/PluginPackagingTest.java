package io.mskbridge.smt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Plugin discovery, versions and config documentation (docs/ARCHITECTURE.md, Configuration and Plugins and versions). */
class PluginPackagingTest {

    static final List<Class<?>> TRANSFORMS = List.of(ValidateFields.Value.class, QualityScore.Value.class,
            AmountToMinorUnits.Value.class, FraudFlag.Value.class, ProcessingTime.Value.class);

    @Test
    @SuppressWarnings("rawtypes")
    void serviceFileListsEveryTransformAndTheyLoad() throws IOException {
        List<String> names = new ArrayList<>();
        for (Transformation t : ServiceLoader.load(Transformation.class)) {
            if (!t.getClass().getName().startsWith("io.mskbridge.smt.")) {
                continue; // Kafka's own transforms are on the test class path too
            }
            names.add(t.getClass().getName());
            assertThat(t).isInstanceOf(Versioned.class);
            assertThat(((Versioned) t).version()).isNotEqualTo("unknown").matches("\\d+\\.\\d+\\.\\d+.*");
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(
                TRANSFORMS.stream().map(Class::getName).collect(Collectors.toList()));
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("smt-version.properties")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).doesNotContain("${");
        }
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        for (Class<?> c : TRANSFORMS) {
            @SuppressWarnings("unchecked")
            Transformation<SinkRecord> t = (Transformation<SinkRecord>) c.getDeclaredConstructor().newInstance();
            ConfigDef def = t.config();
            assertThat(def.configKeys()).as(c.getName()).isNotEmpty();
            for (ConfigDef.ConfigKey k : def.configKeys().values()) {
                assertThat(k.documentation).as(k.name).hasSizeGreaterThan(20);
                assertThat(k.group).as(k.name).isNotBlank();
                assertThat(k.displayName).as(k.name).isNotBlank();
                assertThat(k.orderInGroup).as(k.name).isPositive();
                if (k.type != ConfigDef.Type.BOOLEAN) {
                    assertThat(k.validator).as(k.name + " validator").isNotNull();
                }
                if (k.validator != null) {
                    assertThat(k.validator.toString()).as(k.name).doesNotContain("@");
                }
            }
            // defaults alone form a valid configuration
            t.configure(java.util.Map.of());
            t.close();
        }
    }

    @Test
    void overviewDocsNameTheConcreteClass() throws Exception {
        for (Class<?> c : TRANSFORMS) {
            String doc = (String) c.getEnclosingClass().getField("OVERVIEW_DOC").get(null);
            assertThat(doc).contains(c.getName());
        }
        assertThat(Arrays.asList(ValidateFields.CONFIG_DEF, QualityScore.CONFIG_DEF, AmountToMinorUnits.CONFIG_DEF,
                FraudFlag.CONFIG_DEF, ProcessingTime.CONFIG_DEF)).doesNotContainNull();
    }
}
