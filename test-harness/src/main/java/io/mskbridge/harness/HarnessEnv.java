package io.mskbridge.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/** Facts the harness build recorded: runtime classpaths and where the Kinesis emulator was installed. */
public final class HarnessEnv {

    private static final Properties PROPS = load("io/mskbridge/harness/harness.properties");

    private HarnessEnv() {
    }

    /** Classpath of the Apache Kafka broker + Connect worker runtime (no MSK Bridge classes on it). */
    public static String kafkaRuntimeClasspath() {
        return classpath("io/mskbridge/harness/runtime-kafka.classpath");
    }

    /** Classpath of DynamoDB Local. */
    public static String dynamoDbLocalClasspath() {
        return classpath("io/mskbridge/harness/runtime-dynamodb-local.classpath");
    }

    /** Folder holding node_modules/kinesis-local (override with -Dmskbridge.kinesis.local.home). */
    public static Path kinesisLocalHome() {
        return Path.of(System.getProperty("mskbridge.kinesis.local.home", PROPS.getProperty("kinesis.local.home")));
    }

    /** The project version the harness was built with. */
    public static String projectVersion() {
        return PROPS.getProperty("project.version");
    }

    /** The java executable of the running JVM, used for child JVMs so they match the test JVM. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A fresh temporary directory under target/ when run from Maven, so CI logs can be collected. */
    public static Path newWorkDir(String prefix) {
        try {
            Path base = Path.of(System.getProperty("mskbridge.work.dir", "target/harness"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String classpath(String resource) {
        String cp = read(resource).trim();
        List<String> missing = Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(p -> !Files.exists(Path.of(p)))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Classpath " + resource + " names missing files (rebuild the harness): " + missing);
        }
        return cp;
    }

    private static String read(String resource) {
        try (InputStream in = HarnessEnv.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing harness resource " + resource + ": build the test-harness module first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = HarnessEnv.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
