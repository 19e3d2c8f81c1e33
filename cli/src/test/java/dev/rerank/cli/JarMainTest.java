package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the jar's entry point reads the running java's version (the old-java run itself is in LauncherIT). */
class JarMainTest {
    @Test
    void featureReleaseOfEachVersionStyle() {
        assertEquals(8, JarMain.feature("1.8"));
        assertEquals(17, JarMain.feature("17"));
        assertEquals(25, JarMain.feature("25"));
        assertEquals(26, JarMain.feature("26.1"));
        assertEquals(Integer.MAX_VALUE, JarMain.feature(""), "unreadable: Main runs and fails clearly if it must");
    }

    @Test
    void thisJavaPassesTheCheck() {
        assertEquals(true, JarMain.feature(System.getProperty("java.specification.version")) >= JarMain.NEEDED);
    }
}
