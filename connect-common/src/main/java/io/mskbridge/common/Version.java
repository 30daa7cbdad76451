package io.mskbridge.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of an MSK Bridge module, read from a {@code <module>-version.properties} resource that
 * Maven filters at build time (so {@code version()} of every plugin reports the real artifact version
 * in {@code GET /connector-plugins}).
 */
public final class Version {

    /** Reported when the properties file is absent, e.g. when running from an IDE without filtering. */
    public static final String UNKNOWN = "unknown";

    private Version() {
    }

    /**
     * Reads the {@code version} key of a classpath resource next to {@code anchor}'s class loader root.
     *
     * @param anchor   a class of the module, so the resource is looked up in that module's class loader
     *                 (plugin isolation gives each plugin its own)
     * @param resource resource name at the class path root, e.g. {@code smt-version.properties}
     */
    public static String read(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties props = new Properties();
            props.load(in);
            String v = props.getProperty("version", UNKNOWN).trim();
            // An unfiltered file still holds the placeholder: report that honestly rather than "${...}".
            return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
