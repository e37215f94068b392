package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The fuzz harness ({@link Fuzz#parse}) catches what it is there to catch, so a green fuzz run means something. */
class FuzzHarnessTest {
    private static final byte[] INPUT = {1, 2, 3};

    @Test
    void resultsAndAllowedExceptionsPass() {
        assertEquals("ok", Fuzz.parse(INPUT, IOException.class, 0, () -> "ok").result());
        Fuzz.Outcome<Object> o = Fuzz.parse(INPUT, IOException.class, 0, () -> {
            throw new CheckpointException(null, "bad");
        });
        assertTrue(o.error() instanceof CheckpointException, "a subclass of the allowed exception is allowed");
    }

    @Test
    void anUncheckedExceptionFailsWithTheInput() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Fuzz.parse(INPUT, IOException.class, 0, () -> {
            int[] none = new int[0];
            return none[INPUT.length];
        }));
        assertTrue(e.getMessage().contains("ArrayIndexOutOfBoundsException") && e.getMessage().contains("Base64 AQID"), e.getMessage());
    }

    @Test
    void aStackOverflowFails() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Fuzz.parse(INPUT, IOException.class, 0, FuzzHarnessTest::recurse));
        assertTrue(e.getMessage().contains("StackOverflowError"), e.getMessage());
    }

    private static int recurse() {
        return recurse() + 1;
    }

    @Test
    void anAllocationTheInputCannotBackFails() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Fuzz.parse(INPUT, IOException.class, 16, () -> new byte[(int) Fuzz.BASE_ALLOCATION + 1024].length));
        assertTrue(e.getMessage().contains("parse allocated"), e.getMessage());
        Fuzz.parse(INPUT, IOException.class, 16, () -> new byte[1 << 20].length); // within the base
    }

    @Test
    void aHangFailsAndTheNextParseRunsOnAFreshThread() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Fuzz.parse(INPUT, IOException.class, 0, Duration.ofMillis(200), () -> {
            Thread.sleep(60_000);
            return null;
        }));
        assertTrue(e.getMessage().contains("did not finish within 200 ms"), e.getMessage());
        assertEquals("next", Fuzz.parse(INPUT, IOException.class, 0, () -> "next").result());
    }

    @Test
    void mutationsFitAnyInput() {
        byte[] in = {10, 20, 30, 40};
        assertArrayEquals(new byte[] {10, 20}, new Fuzz.Truncate(1 << 19).apply(in));
        assertArrayEquals(new byte[] {10, 20, 30, 41}, new Fuzz.FlipBit((1 << 20) - 1, 0).apply(in));
        assertArrayEquals(new byte[] {10, 20, 7, 8, 30, 40}, new Fuzz.Insert(1 << 19, new byte[] {7, 8}).apply(in));
        assertArrayEquals(new byte[] {10, 20}, new Fuzz.Delete(1 << 19, 9).apply(in));
        assertArrayEquals(new byte[] {10, 20, 0, 0}, new Fuzz.SetInt(1 << 19, 0, true).apply(in), "clipped at the end");
        for (Fuzz.Mutation m : List.of(new Fuzz.FlipBit(5, 1), new Fuzz.SetByte(5, (byte) 1), new Fuzz.Delete(5, 1), new Fuzz.Truncate(5),
                new Fuzz.CopyWithin(1, 2, 3), new Fuzz.SetLong(0, -1))) {
            assertEquals(0, m.apply(new byte[0]).length, m + " on an empty input");
        }
    }
}
