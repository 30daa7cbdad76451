package io.mskbridge.smt;

import java.nio.file.Path;
import java.util.List;

import io.mskbridge.common.config.ConfigReference;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * smt/README.md's config reference is generated from the transforms' ConfigDefs and lists every key. Fails while it is stale; run
 * with {@code -Dmskbridge.docs.update=true} to rewrite it.
 */
class ConfigDocsTest {

    /** A transform as the README documents it: the class users configure, its overview and its keys. */
    private record Transform(Class<?> valueClass, String overviewDoc, ConfigDef def) {
    }

    private static final List<Transform> TRANSFORMS = List.of(
            new Transform(ValidateFields.Value.class, ValidateFields.OVERVIEW_DOC, ValidateFields.CONFIG_DEF),
            new Transform(AmountToMinorUnits.Value.class, AmountToMinorUnits.OVERVIEW_DOC,
                    AmountToMinorUnits.CONFIG_DEF),
            new Transform(QualityScore.Value.class, QualityScore.OVERVIEW_DOC, QualityScore.CONFIG_DEF),
            new Transform(FraudFlag.Value.class, FraudFlag.OVERVIEW_DOC, FraudFlag.CONFIG_DEF),
            new Transform(ProcessingTime.Value.class, ProcessingTime.OVERVIEW_DOC, ProcessingTime.CONFIG_DEF));

    private static ConfigReference reference() {
        ConfigReference ref = ConfigReference.create();
        for (Transform t : TRANSFORMS) {
            // The README shows the summary; the paragraph naming the Value class is its heading already.
            String overview = t.overviewDoc().replaceAll("<p/>.*$", "").trim();
            ref.section("`" + t.valueClass().getName() + "`", overview, t.def(), 3);
        }
        return ref;
    }

    @Test
    void readmeConfigReferenceIsCurrent() {
        reference().assertCurrent(Path.of("README.md"));
    }
}
