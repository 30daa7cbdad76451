package io.mskbridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** A README that points users at a test as evidence must name a test that exists. */
class DocsNameRealTestsTest {

    private static final Path ROOT = Path.of(System.getProperty("mskbridge.root", ".."));
    /** A class-like name ending in Test or IT, not a Maven flag such as -DskipTests. */
    private static final Pattern TEST_NAME = Pattern.compile("(?<![-\\w])([A-Z][A-Za-z0-9]*(?:Test|IT))\\b");

    @Test
    void everyTestNamedInTheDocsExists() throws IOException {
        Set<String> tests;
        try (Stream<Path> files = sources()) {
            tests = files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> p.getFileName().toString().replace(".java", "")).collect(Collectors.toSet());
        }
        TreeMap<String, Set<String>> missing = new TreeMap<>();
        try (Stream<Path> files = sources()) {
            for (Path md : files.filter(p -> p.toString().endsWith(".md")).toList()) {
                Matcher m = TEST_NAME.matcher(Files.readString(md));
                while (m.find()) {
                    if (!tests.contains(m.group(1))) {
                        missing.computeIfAbsent(ROOT.relativize(md).toString(), k -> new TreeSet<>()).add(m.group(1));
                    }
                }
            }
        }
        assertThat(tests).as("the scan found the test sources").contains("DocsNameRealTestsTest");
        assertThat(missing).as("tests named in docs that do not exist").isEmpty();
    }

    private static Stream<Path> sources() throws IOException {
        return Files.walk(ROOT).filter(Files::isRegularFile)
                .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/")
                        && !p.toString().contains("/.git/"));
    }
}
