package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Under G1, serve switches on the periodic collection that returns idle memory. */
class IdleMemoryTest {
    @Test
    void g1GetsAPeriodicCollection() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(vm.getVMOption("UseG1GC").getValue().equals("true"), "the test JVM does not run G1");
        assertTrue(IdleMemory.enable());
        String period = vm.getVMOption("G1PeriodicGCInterval").getValue();
        assertTrue(!period.equals("0"), "no periodic collection");
        if (vm.getVMOption("G1PeriodicGCInterval").getOrigin() != com.sun.management.VMOption.Origin.VM_CREATION) {
            assertEquals(Long.toString(IdleMemory.PERIOD_MILLIS), period);
        }
    }
}
