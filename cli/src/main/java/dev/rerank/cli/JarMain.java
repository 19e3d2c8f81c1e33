package dev.rerank.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The runnable jar's Main-Class. Unlike everything else it is compiled for Java 8 (see
 * cli/pom.xml), so that {@code java -jar rerank.jar} on an older {@code java} — often the
 * machine's default — says in one line which JDK is needed, where the JVM would otherwise print
 * an UnsupportedClassVersionError about class file versions.
 */
public final class JarMain {
    static final int NEEDED = 25;

    private JarMain() {}

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version", "");
        if (feature(version) < NEEDED) {
            System.err.println("error: rerank needs Java " + NEEDED + " or newer, but this java is version " + version
                    + " (" + System.getProperty("java.home") + "): run the jar with a JDK " + NEEDED
                    + "'s java, or use the ./rerank launcher, which finds one");
            System.exit(1);
        }
        // Looked up by name: this class must load on Java 8, and Main's class file would not.
        Method main = Class.forName("dev.rerank.cli.Main").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature release of a {@code java.specification.version}: "1.8" is 8, "17" is 17; unreadable counts as new enough. */
    static int feature(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot >= 0 ? v.substring(0, dot) : v);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE; // let Main run; a real incompatibility still fails there
        }
    }
}
