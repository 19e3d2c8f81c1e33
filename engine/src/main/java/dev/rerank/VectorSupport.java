package dev.rerank;

/**
 * The engine's kernels run on the JDK's incubating Vector API, a module Java resolves only when
 * asked with {@code --add-modules jdk.incubator.vector}. Without it the first matmul dies with
 * {@code NoClassDefFoundError: jdk/incubator/vector/...} far from the cause; this check runs
 * before a model is built and says exactly which flag is missing.
 */
public final class VectorSupport {
    /** The JVM option the engine needs. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final boolean AVAILABLE = resolved();

    private VectorSupport() {}

    private static boolean resolved() {
        // The layer holding the engine (the boot layer for a class-path or module-path app) or any
        // parent of it must have resolved the module; findModule searches the parents too.
        ModuleLayer layer = VectorSupport.class.getModule().getLayer();
        return (layer != null ? layer : ModuleLayer.boot()).findModule("jdk.incubator.vector").isPresent();
    }

    /** Whether this JVM was started with the Vector API module. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** Throws, naming the flag to add, when the Vector API module is missing. */
    public static void require() {
        if (!AVAILABLE) {
            throw new IllegalStateException("the JDK's Vector API module is not enabled: start java with " + FLAG
                    + " (Maven tests: <argLine>" + FLAG + "</argLine> in maven-surefire-plugin's configuration;"
                    + " exec:exec: put it before -classpath)");
        }
    }
}
