package io.mskbridge.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration reference of every module README, generated from the ConfigDefs in one format: a Markdown
 * table per ConfigDef group (Key, Type, Default, Valid values, Importance, Description) between the markers
 * {@value #BEGIN} and {@value #END}. Each module's {@code ConfigDocsTest} calls {@link #assertCurrent}, which fails
 * while the README is stale and rewrites it when the tests run with {@code -D}{@value #UPDATE_PROPERTY}{@code =true}.
 */
public final class ConfigReference {

    public static final String BEGIN = "<!-- BEGIN GENERATED CONFIG -->";
    public static final String END = "<!-- END GENERATED CONFIG -->";
    /** The one switch that rewrites stale references instead of failing. */
    public static final String UPDATE_PROPERTY = "mskbridge.docs.update";

    private final StringBuilder body = new StringBuilder();
    private final List<ConfigDef> defs = new ArrayList<>();

    private ConfigReference() {
    }

    /** A reference to be filled with {@link #add} and {@link #section}. */
    public static ConfigReference create() {
        return new ConfigReference();
    }

    /**
     * Adds the tables of {@code def}: one per group, each under a heading of {@code headingLevel} when the def has
     * more than one group, else one table without heading.
     */
    public ConfigReference add(ConfigDef def, int headingLevel) {
        defs.add(def);
        List<ConfigDef.ConfigKey> keys = sorted(def);
        Set<String> groups = new LinkedHashSet<>();
        keys.forEach(k -> groups.add(String.valueOf(k.group)));
        boolean headings = groups.size() > 1;
        String group = null;
        for (ConfigDef.ConfigKey k : keys) {
            String g = String.valueOf(k.group);
            if (group == null || !group.equals(g)) {
                group = g;
                if (headings) {
                    body.append('\n').append("#".repeat(headingLevel)).append(' ').append(g).append("\n");
                }
                body.append("\n| Key | Type | Default | Valid values | Importance | Description |\n");
                body.append("|---|---|---|---|---|---|\n");
            }
            body.append("| `").append(k.name).append("` | ")
                    .append(k.type.name().toLowerCase()).append(" | ")
                    .append(cell(defaultValue(k))).append(" | ")
                    .append(cell(k.validator == null ? "" : k.validator.toString())).append(" | ")
                    .append(k.importance.name().toLowerCase()).append(" | ")
                    .append(cell(k.documentation == null ? "" : k.documentation)).append(" |\n");
        }
        return this;
    }

    /** Adds a titled section (e.g. one per transform): heading, overview paragraph, then its tables. */
    public ConfigReference section(String title, String overview, ConfigDef def, int headingLevel) {
        body.append('\n').append("#".repeat(headingLevel)).append(' ').append(title).append("\n\n")
                .append(overview.trim()).append('\n');
        return add(def, headingLevel + 1);
    }

    /** The generated block, markers included. */
    public String render() {
        return BEGIN + "\n<!-- generated from the ConfigDefs; do not edit by hand: run the module's tests with -D"
                + UPDATE_PROPERTY + "=true -->\n" + body + "\n" + END;
    }

    /**
     * Fails with an {@link AssertionError} while the generated block of {@code readme} differs from this reference
     * (or a key of an added ConfigDef is missing from it); with {@code -D}{@value #UPDATE_PROPERTY}{@code =true}
     * rewrites a stale block instead.
     */
    public void assertCurrent(Path readme) {
        assertCurrent(readme, Boolean.getBoolean(UPDATE_PROPERTY));
    }

    /** As {@link #assertCurrent(Path)}, with the update switch given. */
    public void assertCurrent(Path readme, boolean update) {
        String rendered = render();
        for (ConfigDef def : defs) {
            for (String key : def.names()) {
                if (!rendered.contains("| `" + key + "` |")) {
                    throw new AssertionError("The config reference lacks key " + key);
                }
            }
        }
        try {
            String current = Files.readString(readme, StandardCharsets.UTF_8);
            String expected = splice(current, render());
            if (expected.equals(current)) {
                return;
            }
            if (update) {
                Files.writeString(readme, expected, StandardCharsets.UTF_8);
                return;
            }
            throw new AssertionError(readme + ": the generated config reference is stale. Run the module's tests with -D"
                    + UPDATE_PROPERTY + "=true and commit the result.\n--- expected block ---\n" + render());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String splice(String readme, String generated) {
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        if (b < 0 || e < b) {
            throw new AssertionError("README lacks the " + BEGIN + " / " + END + " markers");
        }
        return readme.substring(0, b) + generated + readme.substring(e + END.length());
    }

    private static List<ConfigDef.ConfigKey> sorted(ConfigDef def) {
        List<String> groups = def.groups();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        keys.sort(Comparator.<ConfigDef.ConfigKey>comparingInt(k -> groups.indexOf(k.group))
                .thenComparingInt(k -> k.orderInGroup).thenComparing(k -> k.name));
        return keys;
    }

    static String defaultValue(ConfigDef.ConfigKey k) {
        if (!k.hasDefault()) {
            return "(required)";
        }
        Object d = k.defaultValue;
        if (d == null) {
            return "null";
        }
        if (d instanceof Password) {
            return "[hidden]";
        }
        String s = ConfigDef.convertToString(d, k.type);
        return s == null || s.isEmpty() ? "\"\"" : "`" + s + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
