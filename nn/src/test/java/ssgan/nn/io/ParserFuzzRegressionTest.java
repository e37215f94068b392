package ssgan.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Inputs the parser fuzz tests ({@code *FuzzTest}) found to break a parser, kept as plain examples so
 * they stay covered whatever seed and tries the properties run with.
 */
class ParserFuzzRegressionTest {
    /**
     * Found by {@code JsonFuzzTest.numberLiteralsOfAnySizeParse} ("-9223372036854775807") and
     * {@code generatedValuesRoundTrip} (-1000000000000000000L written and read back as -1.0E18): the
     * minus sign counted as one of a long's 19 digits, so negative 19-digit integers were read as
     * doubles and lost their last digits.
     */
    @Test
    void negativeNineteenDigitIntegersAreExactLongs() {
        assertEquals(-9223372036854775807L, Json.parse("-9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(-1234567890123456789L, Json.parse("-1234567890123456789"));
        assertEquals(-1000000000000000000L, Json.parse(Json.write(-1000000000000000000L)));
        assertEquals(-9.223372036854775809e18, Json.parse("-9223372036854775809"), "one past the long range is a double, as on the positive side");
        assertEquals(9.223372036854775808e18, Json.parse("9223372036854775808"));
    }
}
