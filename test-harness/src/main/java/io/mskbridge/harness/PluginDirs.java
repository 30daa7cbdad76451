package io.mskbridge.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds {@code plugin.path} folders for Connect workers, so a module's integration tests load the module the
 * way a worker loads the released ZIP: from jars, in the plugin's own isolated class loader.
 */
public final class PluginDirs {

    private PluginDirs() {
    }

    /**
     * A plugin.path root holding one plugin: the module under test (its jar and the bundled dependencies the
     * build copied to {@code target/plugin-deps}), plus any extra jars (e.g. test fixtures).
     *
     * @return the folder to pass to {@link ConnectCluster#withPluginPath(Path)}
     */
    public static Path ofModule(String pluginName, Path... extraJars) {
        Path moduleJar = Path.of(requireProperty("mskbridge.module.jar"));
        Path deps = Path.of(requireProperty("mskbridge.module.deps"));
        if (!Files.isRegularFile(moduleJar)) {
            throw new IllegalStateException("Module jar " + moduleJar + " is missing: run the ITs through `mvn verify`");
        }
        Path root = HarnessEnv.newWorkDir("plugin-path");
        Path lib = root.resolve(pluginName).resolve("lib");
        try {
            Files.createDirectories(lib);
            copy(moduleJar, lib);
            if (Files.isDirectory(deps)) {
                try (Stream<Path> s = Files.list(deps)) {
                    for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".jar"))::iterator) {
                        copy(p, lib);
                    }
                }
            }
            for (Path extra : extraJars) {
                copy(extra, lib);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    /**
     * Packs classes of this module's test output (one package, e.g. a test-only connector) into a jar, with the
     * given {@code META-INF/services} registrations, for use as an extra jar in {@link #ofModule}.
     *
     * @param packagePath package folder under test-classes, e.g. {@code io/mskbridge/smt/integration/fixture}
     * @param services    service interface name → implementation class names
     */
    public static Path testFixtureJar(String packagePath, Map<String, List<String>> services) {
        Path testClasses = Path.of(requireProperty("mskbridge.module.test.classes"));
        Path dir = testClasses.resolve(packagePath);
        Path jar = HarnessEnv.newWorkDir("fixture").resolve("test-fixture.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            addFiles(out, testClasses, dir);
            for (Map.Entry<String, List<String>> e : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                write(out, String.join("\n", e.getValue()) + "\n");
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /**
     * The jar that holds {@code c}, for use as an extra jar in {@link #ofModule}: its own jar when it was loaded
     * from one (another module of the reactor after {@code package}), else its classes folder packed into a new
     * jar (META-INF/services included), so a test can put a sibling module's plugins on a worker's plugin.path.
     */
    public static Path jarOf(Class<?> c) {
        Path location;
        try {
            location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the class files of " + c.getName(), e);
        }
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = HarnessEnv.newWorkDir("module-jar").resolve(c.getPackageName() + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            addFiles(out, location, location);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** Unpacks a plugin ZIP into a fresh folder and returns that folder, to pass as a worker's plugin.path. */
    public static Path unpackZip(Path zip) {
        Path dir = HarnessEnv.newWorkDir("plugin-path");
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.Enumeration<? extends java.util.zip.ZipEntry> e = z.entries(); e.hasMoreElements();) {
                java.util.zip.ZipEntry entry = e.nextElement();
                Path out = dir.resolve(entry.getName()).normalize();
                if (!out.startsWith(dir)) {
                    throw new IOException("ZIP entry escapes its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (java.io.InputStream in = z.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack " + zip, e);
        }
        return dir;
    }

    /** Adds every file below {@code dir}, named by its path relative to {@code root}. */
    private static void addFiles(JarOutputStream out, Path root, Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void copy(Path file, Path dir) throws IOException {
        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String requireProperty(String key) {
        String v = System.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("System property " + key + " is not set: run the ITs through `mvn verify`");
        }
        return v;
    }
}
