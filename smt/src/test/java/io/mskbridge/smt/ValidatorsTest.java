package io.mskbridge.smt;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The list and number validators that several keys share keep each key's own wording. */
class ValidatorsTest {

    private static void rejects(ConfigDef.Validator v, Object value, String message) {
        assertThatThrownBy(() -> v.ensureValid("k", value)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void distinctListsNameWhatTheyHold() {
        ConfigDef.Validator names = Validators.fieldNames();
        ConfigDef.Validator values = Validators.distinctValues();
        assertThatNoException().isThrownBy(() -> names.ensureValid("k", List.of()));
        assertThatNoException().isThrownBy(() -> values.ensureValid("k", List.of("KP", " IR")));
        rejects(names, List.of("a", " "), "contains an empty field name");
        rejects(values, List.of("", "b"), "contains an empty value");
        rejects(names, List.of("a", " a"), "lists field 'a' more than once");
        rejects(values, List.of("KP", "KP "), "lists 'KP' more than once");
        assertThat(names).hasToString("comma-separated list of distinct field names (may be empty)");
        assertThat(values).hasToString("comma-separated list of distinct values (may be empty)");
    }

    @Test
    void subsetIsCaseInsensitiveAndDistinct() {
        ConfigDef.Validator v = Validators.subsetOf(List.of("x", "y"));
        assertThatNoException().isThrownBy(() -> v.ensureValid("k", List.of("X", "y")));
        rejects(v, List.of("x", " Z "), "unknown item ' Z '; allowed: [x, y]");
        rejects(v, List.of(""), "unknown item ''");
        rejects(v, List.of("x", "X"), "lists 'x' more than once");
        assertThat(v).hasToString("comma-separated subset of [x, y]");
    }

    @Test
    void finiteNumbers() {
        ConfigDef.Validator any = Validators.finite();
        ConfigDef.Validator positive = Validators.finiteAbove(0.0);
        assertThatNoException().isThrownBy(() -> any.ensureValid("k", -1e300));
        assertThatNoException().isThrownBy(() -> positive.ensureValid("k", Double.MIN_VALUE));
        rejects(any, Double.POSITIVE_INFINITY, "must be a finite number");
        rejects(positive, Double.NaN, "must be a finite number greater than 0.0");
        rejects(positive, 0.0, "must be a finite number greater than 0.0");
        assertThat(any).hasToString("finite number");
        assertThat(positive).hasToString("finite number > 0.0");
        assertThat(Validators.nullOr(positive)).hasToString("null (off) or finite number > 0.0");
    }
}
