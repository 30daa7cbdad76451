package io.mskbridge.smt;

import io.mskbridge.common.Version;

/** The smt module's version, read once from the Maven-filtered {@code smt-version.properties}. */
final class SmtVersion {

    static final String VERSION = Version.read(SmtVersion.class, "smt-version.properties");

    private SmtVersion() {
    }
}
